//! The calculation settings of `calc` and `serve` beyond the masters: the 多剤投与 rounding, the
//! copayment's choices where no primary text settles a rule (engine/src/copay/mod.rs,
//! `CopaySettings`) and the 地方単独 公費 schemes file. They go to `EngineBuilder` as the C API
//! (`santei_builder_*`) and Python (`santei.EngineBuilder`) give them.

use std::path::PathBuf;

use santei_engine::copay::{
    HoCopay, MissingOver70Class, PublicReceiptRounding, Under70PublicLimit,
};
use santei_engine::{CopaySettings, EngineBuilder, PolypharmacyRounding};

/// What an engine computes with besides its masters, 電子点数表 and rules.
#[derive(Debug, Clone)]
pub struct CalcSettings {
    pub polypharmacy_rounding: PolypharmacyRounding,
    pub copay: CopaySettings,
    /// `--local-schemes FILE`.
    pub local_schemes: Option<PathBuf>,
}

impl Default for CalcSettings {
    fn default() -> Self {
        CalcSettings {
            polypharmacy_rounding: PolypharmacyRounding::default(),
            copay: CopaySettings::DEFAULT,
            local_schemes: None,
        }
    }
}

impl CalcSettings {
    /// The settings given to a builder.
    pub fn apply(&self, builder: EngineBuilder) -> EngineBuilder {
        let b = builder
            .polypharmacy_rounding(self.polypharmacy_rounding)
            .copay_settings(self.copay);
        match &self.local_schemes {
            Some(f) => b.local_schemes_file(f),
            None => b,
        }
    }
}

/// The copayment flags (`calc`, `serve`): each picks one answer where no primary text found
/// settles the rule (the enums of engine/src/copay/mod.rs); the defaults are santei's.
#[derive(clap::Args, Clone, Debug)]
pub struct CopayArgs {
    /// 地方単独 公費 (医療費助成) schemes: a JSON array of objects with `law_number` (法別番号),
    /// optionally `payer_prefix` (公費負担者番号 prefix, e.g. 8813), `name`, `patient_percent`,
    /// `per_visit_yen`, `max_charged_visits`, `monthly_cap_yen`, `recipient_required` (the fields
    /// of LocalSchemeEntry and LocalScheme, engine/src/copay/mod.rs, engine/src/claim.rs). A 公費
    /// of the claim without its own `local` scheme takes the entry of its 法別番号 with the longest
    /// matching prefix; without one it is CPY-506.
    #[arg(long, value_name = "FILE")]
    pub local_schemes: Option<PathBuf>,
    /// How the 公費 part of a 70歳未満 claim is capped: the MHLW H27 高額療養費 事例14–31 use the
    /// ウ formula, the W-C10 難病 事例2 the patient's own 区分; the 保険局 通知 on 公費 and
    /// 高額療養費 was not found.
    #[arg(long, value_enum, default_value = "by-law", value_name = "HOW")]
    pub under70_public_limit: Under70PublicLimitArg,
    /// How the KO 負担金額 (the patient's share under a 公費) is rounded (the 記載要領 text on its
    /// rounding was not found).
    #[arg(
        long,
        value_enum,
        default_value = "ten-yen-unless-limited",
        value_name = "HOW"
    )]
    pub public_receipt_rounding: PublicReceiptRoundingArg,
    /// What a 70歳以上 claim without 所得区分 gets (健保令42条 / 高確法施行令15条: the 所得区分 decides
    /// the limits; CPY-502 when it is refused).
    #[arg(long, value_enum, default_value = "refuse", value_name = "WHAT")]
    pub missing_over70_class: MissingOver70ClassArg,
    /// When the HO 負担金額 (医療保険) is written (UKE_LAYOUT HO 11: "written only when required").
    #[arg(long, value_enum, default_value = "when-limited", value_name = "WHEN")]
    pub ho_copay: HoCopayArg,
}

impl CopayArgs {
    /// The settings of these flags with the 多剤投与 rounding.
    pub fn settings(&self, polypharmacy_rounding: PolypharmacyRounding) -> CalcSettings {
        CalcSettings {
            polypharmacy_rounding,
            copay: CopaySettings {
                under70_public_limit: self.under70_public_limit.into(),
                public_receipt_rounding: self.public_receipt_rounding.into(),
                missing_over70_class: self.missing_over70_class.into(),
                ho_copay: self.ho_copay.into(),
                ..CopaySettings::DEFAULT
            },
            local_schemes: self.local_schemes.clone(),
        }
    }
}

/// `--under70-public-limit` (Under70PublicLimit).
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Under70PublicLimitArg {
    /// Per 法別番号 (default): the ウ formula for 特定給付対象療養 (結核, 自立支援 …; MHLW H27
    /// 事例14–31), the own 区分 for 難病 54 / 小慢 52 / 生活保護 12 (W-C10 難病 事例2).
    ByLaw,
    /// The ウ formula for every 公費.
    UFormula,
    /// The patient's own 区分 for every 公費.
    OwnClass,
}

/// `--public-receipt-rounding` (PublicReceiptRounding).
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum PublicReceiptRoundingArg {
    /// 10円 四捨五入 like the 窓口 (健保法75条), except an amount fixed by a limit or cap, written
    /// to the yen (default).
    TenYenUnlessLimited,
    /// Always to the yen.
    Yen,
}

/// `--missing-over70-class` (MissingOver70Class).
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum MissingOver70ClassArg {
    /// An error finding (CPY-502) and no copayment: santei never guesses an amount (default).
    Refuse,
    /// The 区分 that applies without 限度額適用認定証: 現役並みⅢ for 3割, 一般 (後期: 一般Ⅰ/Ⅱ)
    /// for 1割/2割; requires the claim's `burden_percent`.
    FromRate,
}

/// `--ho-copay` (HoCopay).
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum HoCopayArg {
    /// Only when a limit (高額療養費, マル長, 配慮措置) changed the 一部負担金, and on 入院 claims
    /// (default).
    WhenLimited,
    /// Always.
    Always,
}

impl From<Under70PublicLimitArg> for Under70PublicLimit {
    fn from(a: Under70PublicLimitArg) -> Self {
        match a {
            Under70PublicLimitArg::ByLaw => Under70PublicLimit::ByLaw,
            Under70PublicLimitArg::UFormula => Under70PublicLimit::UFormula,
            Under70PublicLimitArg::OwnClass => Under70PublicLimit::OwnClass,
        }
    }
}

impl From<PublicReceiptRoundingArg> for PublicReceiptRounding {
    fn from(a: PublicReceiptRoundingArg) -> Self {
        match a {
            PublicReceiptRoundingArg::TenYenUnlessLimited => {
                PublicReceiptRounding::TenYenUnlessLimited
            }
            PublicReceiptRoundingArg::Yen => PublicReceiptRounding::Yen,
        }
    }
}

impl From<MissingOver70ClassArg> for MissingOver70Class {
    fn from(a: MissingOver70ClassArg) -> Self {
        match a {
            MissingOver70ClassArg::Refuse => MissingOver70Class::Refuse,
            MissingOver70ClassArg::FromRate => MissingOver70Class::FromRate,
        }
    }
}

impl From<HoCopayArg> for HoCopay {
    fn from(a: HoCopayArg) -> Self {
        match a {
            HoCopayArg::WhenLimited => HoCopay::WhenLimited,
            HoCopayArg::Always => HoCopay::Always,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    /// The flags' values are the engine's names of each choice (the names Python and the docs
    /// use), in the same order and meaning the same setting.
    fn same<A: ValueEnum + Copy + Into<E>, E: PartialEq + std::fmt::Debug>(names: &[(&str, E)]) {
        let flags: Vec<(String, E)> = A::value_variants()
            .iter()
            .map(|a| {
                let name = a
                    .to_possible_value()
                    .expect("a value")
                    .get_name()
                    .to_string();
                (name, (*a).into())
            })
            .collect();
        let engine: Vec<(String, &E)> = names.iter().map(|(n, e)| (n.to_string(), e)).collect();
        assert_eq!(flags.len(), engine.len());
        for ((fname, fv), (ename, ev)) in flags.iter().zip(&engine) {
            assert_eq!(fname, ename);
            assert_eq!(fv, *ev, "{fname}");
        }
    }

    #[test]
    fn the_flags_name_each_choice_as_the_engine_does() {
        same::<Under70PublicLimitArg, _>(Under70PublicLimit::NAMES);
        same::<PublicReceiptRoundingArg, _>(PublicReceiptRounding::NAMES);
        same::<MissingOver70ClassArg, _>(MissingOver70Class::NAMES);
        same::<HoCopayArg, _>(HoCopay::NAMES);
    }

    /// With no flag, the engine's defaults: the first name of each list.
    #[test]
    fn no_flag_is_the_engine_default() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            copay: CopayArgs,
        }
        let cli = <Cli as clap::Parser>::parse_from(["santei"]);
        let d = CopaySettings::DEFAULT;
        assert_eq!(cli.copay.settings(PolypharmacyRounding::default()).copay, d);
        assert_eq!(Under70PublicLimit::NAMES[0].1, d.under70_public_limit);
        assert_eq!(PublicReceiptRounding::NAMES[0].1, d.public_receipt_rounding);
        assert_eq!(MissingOver70Class::NAMES[0].1, d.missing_over70_class);
        assert_eq!(HoCopay::NAMES[0].1, d.ho_copay);
    }
}
