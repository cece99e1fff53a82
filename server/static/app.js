// santei 算定レビュー: calls the service's own API (/v1) and shows the answers. No library, no
// network but this server. Every text from the answers goes in with textContent.
'use strict';

const $ = (id) => document.getElementById(id);
const yen = (n) => (n == null ? '' : Number(n).toLocaleString('ja-JP'));

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c == null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// ---- the explanation panel: every number's explanation one click away ----
const explanations = new WeakMap();
function numButton(text, title, lines) {
  const b = el('button', { type: 'button', class: 'num' }, text);
  explanations.set(b, { title, lines });
  return b;
}
function setNum(button, text, title, lines) {
  button.textContent = text;
  explanations.set(button, { title, lines });
}
document.addEventListener('click', (ev) => {
  const b = ev.target.closest && ev.target.closest('button.num');
  if (!b) return;
  const x = explanations.get(b);
  if (!x) return;
  $('explain-title').textContent = x.title;
  const list = $('explain-list');
  list.replaceChildren(...(x.lines.length ? x.lines : ['（説明はありません）']).map((l) => el('li', {}, l)));
  $('explain').hidden = false;
});
$('explain-close').addEventListener('click', () => { $('explain').hidden = true; });

// ---- tabs ----
for (const t of document.querySelectorAll('.tab')) {
  t.addEventListener('click', () => {
    for (const u of document.querySelectorAll('.tab')) u.classList.toggle('active', u === t);
    $('panel-claim').hidden = t.dataset.tab !== 'claim';
    $('panel-uke').hidden = t.dataset.tab !== 'uke';
  });
}

// ---- engine info, examples ----
async function loadInfo() {
  try {
    const r = await fetch('/v1/revisions');
    const j = await r.json();
    const revs = j.revisions.map((x) => `${x.id}（${x.japanese}）`).join('、');
    const source = j.source.startsWith('embedded') ? '組み込みデモデータ（非公式）' : j.source;
    $('engine-info').textContent = `マスター: ${source} ／ 改定: ${revs} ／ 世代 ${j.generation}`;
  } catch (e) {
    $('engine-info').textContent = 'サーバーに接続できません';
  }
}
const examples = new Map();
async function loadExamples() {
  const r = await fetch('/v1/examples');
  for (const x of await r.json()) {
    examples.set(x.id, x);
    $('example').append(el('option', { value: x.id }, x.title));
  }
}
$('example').addEventListener('change', () => {
  const x = examples.get($('example').value);
  if (x) $('claim-text').value = JSON.stringify(x.claim, null, 2);
});
$('claim-file').addEventListener('change', async () => {
  const f = $('claim-file').files[0];
  if (f) $('claim-text').value = await f.text();
});

// ---- problems (RFC 9457) ----
function showProblem(box, p) {
  const parts = [p.title ? `${p.status} ${p.title}` : 'エラー', p.detail || ''];
  if (p.code) parts.push(`コード: ${p.code}`);
  if (p.path) parts.push(`位置: ${p.path}`);
  if (p.line) parts.push(`行 ${p.line}, 列 ${p.column}`);
  for (const f of p.findings || []) parts.push(`所見 ${f.rule} (${f.path}): ${f.message}`);
  box.textContent = parts.filter(Boolean).join('\n');
  box.hidden = false;
}
async function problemOf(r) {
  try {
    return await r.json();
  } catch (e) {
    return { status: r.status, title: r.statusText, detail: '' };
  }
}

// ---- one claim ----
const SEVERITY = { error: 'エラー', warning: '要確認', info: '情報' };
const RECORD = { SI: '診療行為', IY: '医薬品', TO: '特定器材', CO: 'コメント' };

async function calculate() {
  const text = $('claim-text').value;
  $('problem').hidden = true;
  $('calc').disabled = true;
  $('calc-status').textContent = '計算中…';
  try {
    // The page shows where every number comes from: ask for the explanations.
    const r = await fetch('/v1/claims/calculate?explain=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    if (!r.ok) {
      $('result').hidden = true;
      showProblem($('problem'), await problemOf(r));
      $('calc-status').textContent = '';
      return;
    }
    const result = await r.json();
    render(result);
    $('calc-status').textContent = '計算しました';
  } catch (e) {
    showProblem($('problem'), { detail: String(e) });
  } finally {
    $('calc').disabled = false;
  }
}
$('calc').addEventListener('click', calculate);

function render(res) {
  $('revision').textContent = res.revision;
  const pointLines = res.lines.filter((l) => l.points != null)
    .map((l) => `${l.code} ${l.name}: ${l.points}点 × ${l.times}回`);
  setNum($('total-points'), yen(res.total_points), '合計点数', pointLines);
  const c = res.copay;
  $('medical-cost').textContent = c ? yen(c.medical_cost_yen) : '—';
  $('burden').textContent = c && c.burden_percent != null ? `${c.burden_percent / 10}割` : '—';
  setNum($('patient-month'), c ? yen(c.patient_yen) : '—', '一部負担金（月）', c ? c.explain : []);
  setNum($('window-month'), c ? yen(c.window_yen) : '—', '窓口負担（月）', c ? c.explain : []);

  const vb = $('visits').tBodies[0];
  vb.replaceChildren();
  const visits = c ? c.visits : res.days.map((d) => ({ date: d.date, points: d.points, explain: [] }));
  for (const v of visits) {
    vb.append(el('tr', { class: 'visit' },
      el('td', {}, v.date),
      el('td', { class: 'n' }, numButton(yen(v.points), `${v.date} の点数`, v.explain || [])),
      el('td', { class: 'n' }, v.medical_cost_yen != null ? yen(v.medical_cost_yen) : '—'),
      el('td', { class: 'n' }, v.copay_yen != null ? numButton(yen(v.copay_yen), `${v.date} の一部負担金`, v.explain || []) : '—'),
      el('td', { class: 'n' }, v.public_yen && v.public_yen.length ? v.public_yen.map(yen).join(' / ') : '—'),
      el('td', { class: 'n window' }, v.window_yen != null ? numButton(yen(v.window_yen), `${v.date} の窓口負担`, v.explain || []) : '—'),
    ));
  }

  const sb = $('sections').tBodies[0];
  sb.replaceChildren(...res.sections.map((s) => el('tr', {},
    el('td', {}, s.section), el('td', {}, s.name),
    el('td', { class: 'n' }, numButton(yen(s.points), `${s.section} ${s.name}`,
      res.lines.filter((l) => l.section === s.section && l.points != null)
        .map((l) => `${l.date} ${l.code} ${l.name}: ${l.points}点 × ${l.times}回`))))));

  const lb = $('lines').tBodies[0];
  lb.replaceChildren();
  for (const l of res.lines) {
    const origin = l.origin.kind === 'claimed' ? `請求 ${l.origin.path}` : `santei が追加（${l.origin.rule}）`;
    lb.append(el('tr', {},
      el('td', {}, l.section),
      el('td', {}, l.date),
      el('td', {}, RECORD[l.record] || l.record),
      el('td', {}, l.code),
      el('td', {}, l.name),
      el('td', { class: 'n' }, l.quantity || ''),
      el('td', { class: 'n' }, l.points != null ? numButton(yen(l.points), `${l.code} ${l.name}`, l.explain) : ''),
      el('td', { class: 'n' }, l.times),
      el('td', {}, origin),
    ));
  }

  $('finding-count').textContent = `（${res.findings.length}件）`;
  $('findings').replaceChildren(...res.findings.map((f) => el('li', {},
    el('span', { class: `sev ${f.severity}` }, SEVERITY[f.severity] || f.severity),
    el('code', {}, f.rule_id ? `${f.rule} / ${f.rule_id}` : f.rule), ' ',
    f.message, ' ',
    el('span', { class: 'muted' }, `（${f.path}）`),
    el('div', { class: 'cite' }, `根拠: ${f.citation}`),
  )));
  $('result').hidden = false;
}

// ---- a UKE file: streamed up, the report (JSON lines) read as it comes ----
const uke = { receipts: [], months: new Set() };

async function recalculate() {
  const f = $('uke-file').files[0];
  $('uke-problem').hidden = true;
  if (!f) {
    showProblem($('uke-problem'), { detail: 'UKEファイルを選んでください' });
    return;
  }
  uke.receipts = [];
  uke.months = new Set();
  $('f-month').replaceChildren(el('option', { value: '' }, 'すべて'));
  $('uke-errors').replaceChildren();
  $('uke-table').tBodies[0].replaceChildren();
  $('uke-run').disabled = true;
  $('uke-status').textContent = '再計算中…';
  try {
    const q = new URLSearchParams({ format: 'json', rules: $('uke-rules').checked ? 'true' : 'false', name: f.name });
    const r = await fetch(`/v1/uke/recalculate?${q}`, {
      method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: f,
    });
    if (!r.ok) {
      showProblem($('uke-problem'), await problemOf(r));
      $('uke-status').textContent = '';
      return;
    }
    $('uke-result').hidden = false;
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (value) rest += decoder.decode(value, { stream: true });
      let i;
      while ((i = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, i);
        rest = rest.slice(i + 1);
        if (line.trim()) onReportLine(JSON.parse(line));
      }
      if (done) break;
      $('uke-receipts').textContent = uke.receipts.length;
    }
    renderUke();
    $('uke-status').textContent = '完了';
  } catch (e) {
    showProblem($('uke-problem'), { detail: String(e) });
  } finally {
    $('uke-run').disabled = false;
  }
}
$('uke-run').addEventListener('click', recalculate);

function onReportLine(o) {
  if (o.type === 'receipt') {
    uke.receipts.push(o);
    if (!uke.months.has(o.month)) {
      uke.months.add(o.month);
      $('f-month').append(el('option', { value: o.month }, o.month));
    }
  } else if (o.type === 'error') {
    const e = o.error || {};
    const where = e.receipt ? `レセプト ${e.receipt}（${e.line}行）: ` : '';
    $('uke-errors').append(el('li', {}, where + (o.text || e.message || '')));
  } else if (o.type === 'summary') {
    $('uke-receipts').textContent = o.receipts + o.malformed;
    $('uke-malformed').textContent = o.malformed;
    $('uke-points').textContent = `${yen(o.claimed_points)} / ${yen(o.computed_points)}`;
  }
}

const STATUS = { match: '一致', differs: '差異', cannot_check: '点検不可' };
function renderUke() {
  const onlyDiffers = $('f-differs').checked;
  const month = $('f-month').value;
  const setting = $('f-setting').value;
  const text = $('f-text').value.trim();
  $('uke-differs').textContent = uke.receipts.filter((r) => r.differs).length;
  const shown = uke.receipts.filter((r) => (!onlyDiffers || r.differs)
    && (!month || r.month === month)
    && (!setting || (setting === 'in') === r.inpatient)
    && (!text || r.checks.some((c) => String(c.code || '').includes(text) || (c.reason || '').includes(text))));
  $('f-count').textContent = `${shown.length} / ${uke.receipts.length} 件`;
  const body = $('uke-table').tBodies[0];
  body.replaceChildren();
  for (const r of shown.slice(0, 2000)) {
    const [m, d, n] = r.counts;
    const row = el('tr', { class: r.differs ? 'receipt differs' : 'receipt' },
      el('td', {}, r.receipt), el('td', {}, r.line), el('td', {}, r.month),
      el('td', {}, r.inpatient ? '入院' : '外来'),
      el('td', { class: 'n' }, yen(r.claimed_total)), el('td', { class: 'n' }, yen(r.computed_total)),
      el('td', { class: 'n' }, m), el('td', { class: 'n' }, d), el('td', { class: 'n' }, n));
    body.append(row);
    const shownChecks = r.checks.filter((c) => c.status !== 'match');
    if (shownChecks.length) {
      body.append(el('tr', { class: 'detail' }, el('td', { colspan: '9' },
        el('ul', {}, ...shownChecks.map((c) => el('li', {},
          `${c.line}行 ${STATUS[c.status] || c.status} ${c.kind} ${c.code || ''}: 請求 ${c.claimed ?? '—'} / 再計算 ${c.computed ?? '—'} — ${c.reason}`))))));
    }
  }
}
for (const id of ['f-differs', 'f-month', 'f-setting', 'f-text']) {
  $(id).addEventListener(id === 'f-text' ? 'input' : 'change', renderUke);
}

loadInfo();
loadExamples();
