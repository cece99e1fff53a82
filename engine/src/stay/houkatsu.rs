//! 特定入院料の包括: what a 特定入院料 includes (「診療に係る費用（…を除く。）は、…に含まれるものと
//! する」), from its 告示 注, for the 特定入院料 santei has the 注 of. The 電子点数表 02 包括テーブル
//! would say it per code, but ../shared/etensu/r06 does not hold table 02; so the 注 are read here.
//!
//! A claimed 診療行為 of 第2章 on a day whose ward bills the 特定入院料 is included (not billed) unless
//! the 注 excepts it: its 部, its 区分, or its code; a 第2節 入院基本料等加算 is included unless the 注
//! names it; the 特定入院料's own 注加算 (its 区分) are not included.
//!
//! Simplified, and said in the finding: drugs and 特定保険医療材料 are not decided here (the 注 except
//! 除外薬剤・注射薬 and the J400 材料 of J038/J042; santei has no list of 除外薬剤); A308 注3 excepts
//! 第7部 リハビリテーション 「別に厚生労働大臣が定める費用を除く」: santei keeps every リハ item;
//! A314 注3 keeps J038 「入院した日から起算して60日以内の期間に限る」: santei keeps it on every day
//! (each said through `Inclusive::note`).
//!
//! Not here: A300–A303 (救命救急・ICU 系) list what they include (「…のうち次に掲げるものは…含まれる」,
//! 検査 with 検体検査判断料 excepted), which would need the 判断料 of an included 検査 derived; A310 注3 names
//! 「第２部第２節在宅療養管理指導料」, no 節 of the r06 第2部; A304, A307, A317 … not yet read.

use santei_masters::Procedure;

/// What a 特定入院料 does not include.
#[derive(Debug)]
pub enum Keep {
    /// A 部 of 第2章 (コード表用番号 部, 項番91): "02" 在宅医療, "07" リハビリテーション, "10" 手術 …
    Part(&'static str),
    /// A 区分 of 第2章 (letter, 区分番号, 枝番; 項番 when `item` is set), only with the 特定入院料 items
    /// (項番94 of the 入院料) in `fee_items` when that is not empty.
    Kubun {
        alpha: &'static str,
        section: &'static str,
        branch: &'static str,
        item: Option<&'static str>,
        fee_items: &'static [&'static str],
    },
    /// A 部 of 第2章 but the 区分 (letter, 区分番号, 枝番) listed: 「第８部精神科専門療法（I011 … 及び
    /// I011-2 … を除く。）」.
    PartBut(
        &'static str,
        &'static [(&'static str, &'static str, &'static str)],
    ),
    /// A 第1章第2部第2節 入院基本料等加算 (区分番号, 枝番).
    Addition(&'static str, &'static str),
    /// One master row (an 注 that names one item of a 区分).
    Code(u32),
    /// Master rows an 注 names together (see [`DOCTOR_AIDE_50_75_100`]).
    Codes(&'static [u32]),
}

/// 「医師事務作業補助体制加算（50対１補助体制加算、75対１補助体制加算又は100対１補助体制加算に限る。）」,
/// as the 注 of A311-4, A312, A314, A315 and A318 keep it: the r06 master rows 190172710 / 190172810 /
/// 190172910 (医師事務作業補助体制加算１ 50・75・100対１) and 190127210 / 190127310 / 190127410 (加算２).
pub const DOCTOR_AIDE_50_75_100: Keep = Keep::Codes(&[
    190_172_710,
    190_172_810,
    190_172_910,
    190_127_210,
    190_127_310,
    190_127_410,
]);

#[derive(Debug)]
pub struct Inclusive {
    /// 区分番号 and 枝番 of the 特定入院料 (A308 → "308", "00").
    pub section: &'static str,
    pub branch: &'static str,
    pub name: &'static str,
    pub keeps: &'static [Keep],
    pub cite: &'static str,
    /// What of the 注 santei does not apply (said in the info finding); empty when nothing beyond
    /// the drugs and 材料.
    pub note: &'static str,
}

const fn kubun(
    alpha: &'static str,
    section: &'static str,
    branch: &'static str,
    item: Option<&'static str>,
    fee_items: &'static [&'static str],
) -> Keep {
    Keep::Kubun {
        alpha,
        section,
        branch,
        item,
        fee_items,
    }
}

/// The 特定入院料 whose 包括 santei applies (r06).
pub const INCLUSIVE: &[Inclusive] = &[
    Inclusive {
        section: "308",
        branch: "00",
        name: "回復期リハビリテーション病棟入院料",
        keeps: &[
            kubun("B", "001", "00", Some("010"), &["001"]),
            kubun("B", "011", "06", None, &["001"]),
            Keep::Code(113_036_610),
            Keep::Part("02"),
            Keep::Part("07"),
            Keep::Part("14"),
            Keep::Addition("204", "02"),
            Keep::Addition("207", "02"),
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("245", "00"),
            Keep::Code(190_192_310),
            Keep::Addition("247", "00"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            kubun("J", "038", "00", None, &[]),
            kubun("J", "042", "00", None, &[]),
        ],
        cite: "告示 A308 注3 (r06 kokuji_ika.txt l.3707–3723: 診療に係る費用（注２及び注４の加算, B001の10・B011-6 (入院料１に限る), B001の34 ロ, 第２部在宅医療, 第７部リハビリテーション, 第14部その他, 第２節の臨床研修病院入院診療加算 … 排尿自立支援加算, J038, J042, J400 (J038・J042 に係るもの) 並びに除外薬剤・注射薬の費用を除く。）は … 含まれるものとする)",
        note: "every 第7部 リハビリテーション item is kept (注3 「別に厚生労働大臣が定める費用を除く」 is not applied)",
    },
    Inclusive {
        section: "308",
        branch: "03",
        name: "地域包括ケア病棟入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            Keep::Addition("206", "00"),
            Keep::Addition("207", "02"),
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("245", "00"),
            Keep::Code(190_192_310),
            Keep::Addition("246", "03"),
            Keep::Addition("247", "00"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Addition("253", "00"),
            Keep::Code(113_036_610),
            Keep::Part("02"),
            kubun("H", "004", "00", None, &[]),
            kubun("J", "038", "00", None, &[]),
            kubun("J", "042", "00", None, &[]),
            Keep::Part("10"),
            Keep::Part("11"),
            Keep::Part("14"),
        ],
        cite: "告示 A308-3 注7 (r06 kokuji_ika.txt l.3861–3876: 診療に係る費用（注３から注６まで及び注８の加算, 第２節の臨床研修病院入院診療加算 … 協力対象施設入所者入院加算, B001の34 ロ, 第２章第２部在宅医療, H004 摂食機能療法, J038, J042, J400 (J038・J042 に係るもの), 第10部手術, 第11部麻酔, 第14部その他並びに除外薬剤・注射薬の費用を除く。）は … 含まれるものとする)",
        note: "",
    },
    Inclusive {
        section: "311",
        branch: "00",
        name: "精神科救急急性期医療入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            Keep::Addition("207", "02"),
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("227", "00"),
            Keep::Addition("228", "00"),
            Keep::Addition("230", "03"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("236", "00"),
            Keep::Addition("238", "06"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            Keep::Addition("249", "00"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Addition("252", "00"),
            Keep::Code(113_032_710),
            Keep::Part("08"),
            Keep::Part("10"),
            Keep::Part("11"),
            Keep::Part("12"),
            Keep::Part("14"),
        ],
        cite: "告示 A311 注2 (r06 kokuji_ika.txt l.4010–4021: 診療に係る費用（注３から注５までの加算, 第２節の臨床研修病院入院診療加算, 医師事務作業補助体制加算, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 精神科措置入院診療加算, 精神科応急入院施設管理加算, 精神科身体合併症管理加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, 褥瘡ハイリスク患者ケア加算, 精神科救急搬送患者地域連携紹介加算, データ提出加算, 精神科入退院支援加算, 精神科急性期医師配置加算（精神科救急急性期医療入院料を算定するものに限る）, 薬剤総合評価調整加算, 排尿自立支援加算及び地域医療体制確保加算, B015 精神科退院時共同指導料２, 第８部精神科専門療法, 第10部手術, 第11部麻酔, 第12部放射線治療, 第14部その他並びに除外薬剤・注射薬を除く。）は … 含まれるものとする)",
        note: "",
    },
    Inclusive {
        section: "311",
        branch: "02",
        name: "精神科急性期治療病棟入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            Keep::Addition("205", "03"),
            Keep::Addition("207", "02"),
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("227", "00"),
            Keep::Addition("228", "00"),
            Keep::Addition("230", "03"),
            Keep::Addition("231", "03"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("236", "00"),
            Keep::Addition("238", "06"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            // 精神科急性期医師配置加算（精神科急性期治療病棟入院料１を算定するものに限る。）
            kubun("A", "249", "00", None, &["001"]),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Code(113_032_710),
            Keep::Part("08"),
            Keep::Part("10"),
            Keep::Part("11"),
            Keep::Part("12"),
            Keep::Part("14"),
        ],
        cite: "告示 A311-2 注2 (r06 kokuji_ika.txt l.4054–4066: 診療に係る費用（注３の加算, 第２節の臨床研修病院入院診療加算, 妊産婦緊急搬送入院加算, 医師事務作業補助体制加算, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 精神科措置入院診療加算, 精神科応急入院施設管理加算, 精神科身体合併症管理加算, 依存症入院医療管理加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, 褥瘡ハイリスク患者ケア加算, 精神科救急搬送患者地域連携紹介加算, データ提出加算, 精神科入退院支援加算, 精神科急性期医師配置加算（精神科急性期治療病棟入院料１を算定するものに限る）, 薬剤総合評価調整加算及び排尿自立支援加算, B015 精神科退院時共同指導料２, 第８部精神科専門療法, 第10部手術, 第11部麻酔, 第12部放射線治療, 第14部その他並びに除外薬剤・注射薬を除く。）は … 含まれるものとする)",
        note: "",
    },
    Inclusive {
        section: "311",
        branch: "03",
        name: "精神科救急・合併症入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            Keep::Addition("205", "03"),
            Keep::Addition("207", "02"),
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("227", "00"),
            Keep::Addition("228", "00"),
            Keep::Addition("230", "03"),
            Keep::Addition("231", "03"),
            Keep::Addition("231", "04"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("236", "00"),
            Keep::Addition("238", "06"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Addition("252", "00"),
            Keep::Code(113_032_710),
            kubun("H", "000", "00", None, &[]),
            kubun("H", "001", "00", None, &[]),
            kubun("H", "001", "02", None, &[]),
            kubun("H", "002", "00", None, &[]),
            kubun("H", "003", "00", None, &[]),
            kubun("H", "004", "00", None, &[]),
            kubun("H", "007", "00", None, &[]),
            kubun("H", "007", "02", None, &[]),
            Keep::Part("08"),
            kubun("J", "038", "00", None, &[]),
            kubun("J", "042", "00", None, &[]),
            Keep::Part("10"),
            Keep::Part("11"),
            Keep::Part("12"),
            Keep::Part("14"),
        ],
        cite: "告示 A311-3 注2 (r06 kokuji_ika.txt l.4081–4101: 診療に係る費用（注３及び注４の加算, 第２節の臨床研修病院入院診療加算, 妊産婦緊急搬送入院加算, 医師事務作業補助体制加算, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 精神科措置入院診療加算, 精神科応急入院施設管理加算, 精神科身体合併症管理加算, 依存症入院医療管理加算, 摂食障害入院医療管理加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, 褥瘡ハイリスク患者ケア加算, 精神科救急搬送患者地域連携紹介加算, データ提出加算, 精神科入退院支援加算, 薬剤総合評価調整加算, 排尿自立支援加算及び地域医療体制確保加算, B015 精神科退院時共同指導料２, H000, H001, H001-2, H002, H003, H004, H007, H007-2, 第８部精神科専門療法, J038, J042, J400 (J038・J042 に係るもの), 第10部手術, 第11部麻酔, 第12部放射線治療並びに第14部その他並びに除外薬剤・注射薬を除く。）は … 含まれるものとする)",
        note: "",
    },
    Inclusive {
        section: "311",
        branch: "04",
        name: "児童・思春期精神科入院医療管理料",
        keeps: &[
            Keep::Addition("204", "02"),
            // 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る。）
            DOCTOR_AIDE_50_75_100,
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("231", "02"),
            Keep::Addition("231", "04"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("236", "00"),
            Keep::Addition("238", "07"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Part("05"),
            Keep::Part("06"),
            Keep::Part("10"),
            Keep::Part("11"),
            // 第13部第２節 病理診断・判断料: N006, N007.
            kubun("N", "006", "00", None, &[]),
            kubun("N", "007", "00", None, &[]),
            Keep::Part("14"),
        ],
        cite: "告示 A311-4 注2 (r06 kokuji_ika.txt l.4117–4126: 診療に係る費用（注３の加算, 第２節の臨床研修病院入院診療加算, 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る）, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 強度行動障害入院医療管理加算, 摂食障害入院医療管理加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, 褥瘡ハイリスク患者ケア加算, 精神科救急搬送患者地域連携受入加算, データ提出加算, 精神科入退院支援加算, 薬剤総合評価調整加算及び排尿自立支援加算並びに第２章第５部投薬, 第６部注射, 第10部手術, 第11部麻酔, 第13部第２節病理診断・判断料及び第14部その他の費用を除く。）は … 含まれるものとする)",
        note: "here 第５部投薬 and 第６部注射 are excepted whole, so their drugs are rightly billed",
    },
    Inclusive {
        section: "312",
        branch: "00",
        name: "精神療養病棟入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            // 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る。）: the rows
            // of 加算１ and 加算２.
            DOCTOR_AIDE_50_75_100,
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("227", "00"),
            Keep::Addition("230", "02"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("238", "07"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Code(113_032_710),
            kubun("H", "000", "00", None, &[]),
            kubun("H", "001", "00", None, &[]),
            kubun("H", "001", "02", None, &[]),
            kubun("H", "002", "00", None, &[]),
            kubun("H", "003", "00", None, &[]),
            kubun("H", "003", "02", None, &[]),
            Keep::Part("08"),
            Keep::Part("14"),
        ],
        cite: "告示 A312 注2 (r06 kokuji_ika.txt l.4135–4149: 診療に係る費用（注３から注５までの加算, 第２節の臨床研修病院入院診療加算, 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る）, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 精神科措置入院診療加算, 精神科地域移行実施加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, 精神科救急搬送患者地域連携受入加算, データ提出加算, 精神科入退院支援加算, 薬剤総合評価調整加算及び排尿自立支援加算, B015 精神科退院時共同指導料２, H000, H001, H001-2, H002, H003, H003-2, 第８部精神科専門療法, 第14部その他並びに除外薬剤・注射薬を除く。）は … 含まれるものとする)",
        note: "",
    },
    Inclusive {
        section: "314",
        branch: "00",
        name: "認知症治療病棟入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            // 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る。）
            DOCTOR_AIDE_50_75_100,
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("227", "00"),
            Keep::Addition("230", "03"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("238", "07"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Code(113_032_710),
            // H003-2 リハビリテーション総合計画評価料（１に限る。）; its 注4 運動量増加機器加算
            // (180065070) is kept too: santei cannot tell whether it is added to 1 or 2.
            kubun("H", "003", "02", Some("001"), &[]),
            Keep::Code(180_065_070),
            kubun("H", "004", "00", None, &[]),
            kubun("H", "007", "03", None, &[]),
            Keep::Part("08"),
            // J038 人工腎臓（入院した日から起算して60日以内の期間に限る。）: kept on every day.
            kubun("J", "038", "00", None, &[]),
            Keep::Part("14"),
        ],
        cite: "告示 A314 注3 (r06 kokuji_ika.txt l.4188–4203: 診療に係る費用（注２の加算, 第２節の臨床研修病院入院診療加算, 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る）, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 精神科措置入院診療加算, 精神科身体合併症管理加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, 精神科救急搬送患者地域連携受入加算, データ提出加算, 精神科入退院支援加算, 薬剤総合評価調整加算及び排尿自立支援加算, B015 精神科退院時共同指導料２, H003-2 （１に限る）, H004 摂食機能療法, H007-3 認知症患者リハビリテーション料, 第８部精神科専門療法, J038 人工腎臓 (入院した日から起算して60日以内の期間に限る) 及び J400 (その J038 に係るもの), 第14部その他並びに除外薬剤・注射薬を除く。）は … 含まれるものとする)",
        note: "J038 人工腎臓 is kept on every day (the 注 keeps it only within 60日 of the 入院; santei does not count that day here), and H003-2 注4 運動量増加機器加算 is kept (whether it is added to 評価料１ is not in the claim)",
    },
    Inclusive {
        section: "315",
        branch: "00",
        name: "精神科地域包括ケア病棟入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            // 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る。）
            DOCTOR_AIDE_50_75_100,
            Keep::Addition("209", "00"),
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("227", "00"),
            Keep::Addition("228", "00"),
            Keep::Addition("230", "03"),
            Keep::Addition("231", "02"),
            Keep::Addition("231", "03"),
            Keep::Addition("231", "04"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("236", "00"),
            Keep::Addition("238", "07"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Code(113_032_710),
            kubun("H", "000", "00", None, &[]),
            kubun("H", "001", "00", None, &[]),
            kubun("H", "001", "02", None, &[]),
            kubun("H", "002", "00", None, &[]),
            kubun("H", "003", "00", None, &[]),
            kubun("H", "003", "02", None, &[]),
            Keep::PartBut("08", DISCHARGE_GUIDANCE),
            Keep::Part("10"),
            Keep::Part("11"),
            Keep::Part("12"),
            Keep::Part("14"),
        ],
        cite: "告示 A315 注6 (r06 kokuji_ika.txt l.4228–4246: 診療に係る費用（注２及び注５の加算, 第２節の臨床研修病院入院診療加算, 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る）, 特定感染症入院医療管理加算, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 精神科措置入院診療加算, 精神科応急入院施設管理加算, 精神科身体合併症管理加算, 強度行動障害入院医療管理加算, 依存症入院医療管理加算, 摂食障害入院医療管理加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, 褥瘡ハイリスク患者ケア加算, 精神科救急搬送患者地域連携受入加算, データ提出加算, 精神科入退院支援加算, 薬剤総合評価調整加算及び排尿自立支援加算, B015 精神科退院時共同指導料２, H000, H001, H001-2, H002, H003, H003-2, 第８部精神科専門療法（I011 精神科退院指導料及び I011-2 精神科退院前訪問指導料を除く）, 第10部手術, 第11部麻酔, 第12部放射線治療及び第14部その他並びに除外薬剤・注射薬を除く。）は … 含まれるものとする)",
        note: "",
    },
    Inclusive {
        section: "318",
        branch: "00",
        name: "地域移行機能強化病棟入院料",
        keeps: &[
            Keep::Addition("204", "02"),
            // 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る。）
            DOCTOR_AIDE_50_75_100,
            Keep::Addition("218", "00"),
            Keep::Addition("218", "02"),
            Keep::Addition("220", "02"),
            Keep::Addition("227", "00"),
            Keep::Addition("234", "00"),
            Keep::Addition("234", "02"),
            Keep::Addition("234", "03"),
            Keep::Addition("234", "05"),
            Keep::Addition("245", "00"),
            Keep::Addition("246", "02"),
            Keep::Addition("250", "00"),
            Keep::Addition("251", "00"),
            Keep::Code(113_032_710),
            Keep::PartBut("08", DISCHARGE_GUIDANCE),
            Keep::Part("14"),
        ],
        cite: "告示 A318 注4 (r06 kokuji_ika.txt l.4338–4348: 診療に係る費用（注２及び注３本文の加算, 第２節の臨床研修病院入院診療加算, 医師事務作業補助体制加算（50対１, 75対１又は100対１補助体制加算に限る）, 地域加算, 離島加算, 特定感染症患者療養環境特別加算, 精神科措置入院診療加算, 医療安全対策加算, 感染対策向上加算, 患者サポート体制充実加算, 報告書管理体制加算, データ提出加算, 精神科入退院支援加算, 薬剤総合評価調整加算及び排尿自立支援加算, B015 精神科退院時共同指導料２, 第８部精神科専門療法（I011 精神科退院指導料及び I011-2 精神科退院前訪問指導料を除く）, 第14部その他並びに除外薬剤・注射薬を除く。）は … 含まれるものとする)",
        note: "",
    },
];

/// 「第８部精神科専門療法（区分番号Ｉ０１１に掲げる精神科退院指導料及び区分番号Ｉ０１１－２に掲げる精神科
/// 退院前訪問指導料を除く。）」 (A315 注6, A318 注4): I011, I011-2 are included.
const DISCHARGE_GUIDANCE: &[(&str, &str, &str)] = &[("I", "011", "00"), ("I", "011", "02")];

/// The 包括 of `fee` when it is a 特定入院料 santei has the 注 of.
pub fn inclusive_of(fee: &Procedure) -> Option<&'static Inclusive> {
    if fee.code_table_alpha.as_str() != "A" || fee.code_table_chapter.as_str() != "1" {
        return None;
    }
    INCLUSIVE.iter().find(|i| {
        i.section == fee.code_table_section.as_str() && i.branch == fee.code_table_branch.as_str()
    })
}

/// Whether the 特定入院料 `fee` (of `inc`) includes the claimed 診療行為 `rec`.
pub fn includes(inc: &Inclusive, fee: &Procedure, rec: &Procedure) -> bool {
    let (alpha, chapter, part) = (
        rec.code_table_alpha.as_str(),
        rec.code_table_chapter.as_str(),
        rec.code_table_part.as_str(),
    );
    let (section, branch) = (
        rec.code_table_section.as_str(),
        rec.code_table_branch.as_str(),
    );
    let kept = |k: &Keep| match k {
        Keep::Part(p) => chapter == "2" && part == *p,
        Keep::PartBut(p, but) => {
            chapter == "2"
                && part == *p
                && !but
                    .iter()
                    .any(|(a, s, b)| alpha == *a && section == *s && branch == *b)
        }
        Keep::Kubun {
            alpha: a,
            section: s,
            branch: b,
            item,
            fee_items,
        } => {
            alpha == *a
                && section == *s
                && branch == *b
                && item.is_none_or(|i| rec.code_table_item.as_str() == i)
                && (fee_items.is_empty() || fee_items.contains(&fee.code_table_item.as_str()))
        }
        Keep::Addition(s, b) => alpha == "A" && section == *s && branch == *b,
        Keep::Code(c) => rec.code.0 == *c,
        Keep::Codes(cs) => cs.contains(&rec.code.0),
    };
    match (alpha, chapter) {
        // The 特定入院料's own rows (its 注加算) are not 診療に係る費用 it includes.
        ("A", "1") if section == inc.section && branch == inc.branch => false,
        // 第2節 入院基本料等加算 (A200–A299): included unless the 注 names it.
        ("A", "1") => {
            section
                .parse::<u16>()
                .is_ok_and(|s| (200..300).contains(&s))
                && !inc.keeps.iter().any(kept)
        }
        (_, "2") => !inc.keeps.iter().any(kept),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use santei_masters::MasterSet;

    /// A demo row with its コード表用番号 set (letter, 章, 部, 区分, 枝番, 項番).
    fn row(code: u32, k: [&str; 6]) -> Procedure {
        let set = MasterSet::demo().unwrap();
        let mut p = set.procedures.latest(112_007_410).unwrap().clone();
        p.code = santei_masters::Code(code);
        p.code_table_alpha = k[0].into();
        p.code_table_chapter = k[1].into();
        p.code_table_part = k[2].into();
        p.code_table_section = k[3].into();
        p.code_table_branch = k[4].into();
        p.code_table_item = k[5].into();
        p
    }

    #[test]
    fn kaifukuki_includes_tests_not_rehabilitation() {
        let fee = row(190_207_910, ["A", "1", "02", "308", "00", "001"]);
        let inc = inclusive_of(&fee).unwrap();
        let kensa = row(160_008_010, ["D", "2", "03", "000", "00", "000"]);
        let reha = row(180_027_610, ["H", "2", "07", "001", "00", "001"]);
        let sogo = row(190_190_410, ["A", "1", "02", "200", "00", "001"]);
        let data = row(190_149_210, ["A", "1", "02", "245", "00", "001"]);
        let own = row(190_251_170, ["A", "1", "02", "308", "00", "007"]);
        assert!(includes(inc, &fee, &kensa));
        assert!(!includes(inc, &fee, &reha));
        assert!(includes(inc, &fee, &sogo));
        assert!(!includes(inc, &fee, &data));
        assert!(!includes(inc, &fee, &own));
        // B001 の10 入院栄養食事指導料: kept with 入院料１ only.
        let eiyo = row(113_017_610, ["B", "2", "01", "001", "00", "010"]);
        assert!(!includes(inc, &fee, &eiyo));
        let fee3 = row(190_208_310, ["A", "1", "02", "308", "00", "003"]);
        assert!(includes(inc, &fee3, &eiyo));
    }

    #[test]
    fn chiiki_keeps_surgery_and_not_an_ordinary_fee() {
        let fee = row(190_838_910, ["A", "1", "02", "308", "03", "001"]);
        let inc = inclusive_of(&fee).unwrap();
        let ope = row(150_000_110, ["K", "2", "10", "000", "00", "000"]);
        let reha = row(180_027_610, ["H", "2", "07", "001", "00", "001"]);
        assert!(!includes(inc, &fee, &ope));
        assert!(includes(inc, &fee, &reha));
        let kyusei = row(190_117_710, ["A", "1", "02", "100", "00", "001"]);
        assert!(inclusive_of(&kyusei).is_none());
    }

    #[test]
    fn seishin_kyukyu_keeps_psychiatry_and_surgery_includes_tests() {
        let fee = row(190_264_010, ["A", "1", "02", "311", "00", "001"]);
        let inc = inclusive_of(&fee).unwrap();
        let kensa = row(160_008_010, ["D", "2", "03", "005", "00", "000"]);
        let seishin = row(180_012_110, ["I", "2", "08", "001", "00", "001"]);
        let ope = row(150_000_110, ["K", "2", "10", "000", "00", "000"]);
        let kyoudou2 = row(113_032_710, ["B", "2", "01", "015", "00", "002"]);
        let kyoudou1 = row(113_032_510, ["B", "2", "01", "015", "00", "001"]);
        let haichi = row(190_218_610, ["A", "1", "02", "249", "00", "001"]);
        assert!(includes(inc, &fee, &kensa));
        assert!(!includes(inc, &fee, &seishin));
        assert!(!includes(inc, &fee, &ope));
        assert!(!includes(inc, &fee, &kyoudou2));
        assert!(includes(inc, &fee, &kyoudou1));
        assert!(!includes(inc, &fee, &haichi));
    }

    #[test]
    fn kyuseiki_chiryo_keeps_doctor_staffing_with_fee_one_only() {
        let fee1 = row(190_121_110, ["A", "1", "02", "311", "02", "001"]);
        let fee2 = row(190_121_210, ["A", "1", "02", "311", "02", "002"]);
        let inc = inclusive_of(&fee1).unwrap();
        let haichi = row(190_218_710, ["A", "1", "02", "249", "00", "002"]);
        assert!(!includes(inc, &fee1, &haichi));
        assert!(includes(inc, &fee2, &haichi));
    }

    #[test]
    fn ninchisho_keeps_hyokaryo_one_and_dialysis() {
        let fee = row(190_151_610, ["A", "1", "02", "314", "00", "001"]);
        let inc = inclusive_of(&fee).unwrap();
        let hyoka1 = row(180_024_710, ["H", "2", "07", "003", "02", "001"]);
        let hyoka2 = row(180_053_910, ["H", "2", "07", "003", "02", "002"]);
        let touseki = row(140_007_710, ["J", "2", "09", "038", "00", "004"]);
        let shochi = row(140_000_610, ["J", "2", "09", "000", "00", "001"]);
        assert!(!includes(inc, &fee, &hyoka1));
        assert!(includes(inc, &fee, &hyoka2));
        assert!(!includes(inc, &fee, &touseki));
        assert!(includes(inc, &fee, &shochi));
    }

    #[test]
    fn gappei_keeps_dialysis_jido_keeps_medication() {
        let gappei = row(190_130_210, ["A", "1", "02", "311", "03", "001"]);
        let jido = row(190_151_110, ["A", "1", "02", "311", "04", "000"]);
        let (g, j) = (inclusive_of(&gappei).unwrap(), inclusive_of(&jido).unwrap());
        let touseki = row(140_007_710, ["J", "2", "09", "038", "00", "004"]);
        let chozai = row(120_001_110, ["F", "2", "05", "000", "00", "002"]);
        let seishin = row(180_018_110, ["I", "2", "08", "001", "00", "001"]);
        let hyohon = row(160_060_010, ["N", "2", "13", "000", "00", "001"]);
        let shindan = row(160_155_110, ["N", "2", "13", "006", "00", "001"]);
        assert!(!includes(g, &gappei, &touseki));
        assert!(includes(g, &gappei, &chozai));
        assert!(includes(j, &jido, &touseki));
        assert!(!includes(j, &jido, &chozai));
        assert!(includes(j, &jido, &seishin));
        assert!(includes(j, &jido, &hyohon));
        assert!(!includes(j, &jido, &shindan));
    }

    #[test]
    fn chiiki_iko_includes_discharge_guidance_only_of_psychiatry() {
        let fee = row(190_195_510, ["A", "1", "02", "318", "00", "000"]);
        let inc = inclusive_of(&fee).unwrap();
        let taiin = row(180_008_010, ["I", "2", "08", "011", "00", "001"]);
        let houmon = row(180_018_310, ["I", "2", "08", "011", "02", "000"]);
        let seishin = row(180_018_110, ["I", "2", "08", "001", "00", "001"]);
        assert!(includes(inc, &fee, &taiin));
        assert!(includes(inc, &fee, &houmon));
        assert!(!includes(inc, &fee, &seishin));
    }

    #[test]
    fn seishin_ryoyo_keeps_named_rehabilitation_and_staffing_ratios() {
        let fee = row(190_055_010, ["A", "1", "02", "312", "00", "000"]);
        let inc = inclusive_of(&fee).unwrap();
        let noukekkan = row(180_027_610, ["H", "2", "07", "001", "00", "001"]);
        let ninchi = row(180_038_610, ["H", "2", "07", "007", "03", "000"]);
        let ope = row(150_000_110, ["K", "2", "10", "000", "00", "000"]);
        let jimu50 = row(190_127_210, ["A", "1", "02", "207", "02", "002"]);
        let jimu25 = row(190_127_110, ["A", "1", "02", "207", "02", "002"]);
        assert!(!includes(inc, &fee, &noukekkan));
        assert!(includes(inc, &fee, &ninchi));
        assert!(includes(inc, &fee, &ope));
        assert!(!includes(inc, &fee, &jimu50));
        assert!(includes(inc, &fee, &jimu25));
    }
}
