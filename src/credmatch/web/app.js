// credmatch demo page: plain JS, no build step, no third-party code.
// Every string from the API reaches the page through textContent / setAttribute
// (never innerHTML), so data can't inject markup.
"use strict";

// ---------------------------------------------------------------------------
// The GraphQL documents this page sends: the only place it names API fields.
// They follow the credmatch SDL exactly; keep them in step with the schema.
// ---------------------------------------------------------------------------
const FRAGMENTS = `
fragment EvidenceFields on Evidence {
  credentialId similarity trust verdict validFrom validUntil issued
  achievement { id name }
  issuer { id name trusted }
}
fragment CoverageFields on Coverage {
  value met
  requirement { id text required weight }
  evidence { ...EvidenceFields }
  alternatives { ...EvidenceFields }
}`;

const QUERIES = {
  viewer: `query Viewer { viewer { role learnerId keyId } }`,

  challenge: `query Challenge { presentationChallenge { challenge domain expiresAt } }`,

  submitPresentation: `mutation SubmitPresentation($presentation: JSON!, $issueKey: Boolean!) {
  submitPresentation(presentation: $presentation, issueKey: $issueKey) {
    learnerId loaded rejected
    results { source id valid verdict loaded checks { name ok detail } }
    apiKey { token }
  }
}`,

  jobPostings: `query JobPostings($first: Int, $search: String) {
  jobPostings(first: $first, search: $search) {
    nodes {
      id title organization: hiringOrganization description datePosted validThrough url
      requirements { id text kind required weight section }
    }
  }
}`,

  candidates: `query Candidates($jobId: ID!, $first: Int, $after: String, $filter: CandidateFilter) {
  candidates(jobId: $jobId, first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        rank score requiredMet requiredTotal
        learner { id displayName }
        coverage { ...CoverageFields }
        gaps { id text required weight }
      }
    }
  }
}
${FRAGMENTS}`,

  skillGap: `query SkillGap($learnerId: ID!, $jobId: ID!) {
  skillGap(learnerId: $learnerId, jobId: $jobId) {
    score
    learner { id displayName }
    job { id title organization: hiringOrganization }
    coverage { ...CoverageFields }
    gaps { id text required weight }
    recommendations {
      gapWeightClosed
      closes { id text required }
      achievement {
        id name description achievementType hours credits fieldOfStudy
        issuer { id name trusted }
        stacksInto { id name }
      }
    }
  }
}
${FRAGMENTS}`,
};

const ENDPOINT = "/graphql";
const KEY_STORAGE = "credmatch.apiKey";
const POSTINGS_FIRST = 50;
const CANDIDATES_PAGE = 10;

const ERROR_HINTS = {
  UNAUTHENTICATED: "Check the API key and connect again.",
  FORBIDDEN: "This key's role is not allowed to do that.",
  NOT_FOUND: "Check the id; it may have been removed.",
  BAD_INPUT: "Correct the input and try again.",
  GRAPH_UNAVAILABLE: "The graph store is not reachable right now; try again shortly.",
  RATE_LIMITED: "Too many requests; wait a moment and try again.",
  GRAPHQL_PARSE_FAILED: "The page and the API disagree about the schema; reload the page.",
  GRAPHQL_VALIDATION_FAILED: "The page and the API disagree about the schema; reload the page.",
  BAD_USER_INPUT: "The page sent a value the API does not accept; reload the page.",
  INTERNAL: "The server hit an unexpected error; quote the request id when reporting it.",
  NETWORK: "The API did not answer; check that the server is running.",
};

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------
const state = {
  key: null,
  viewer: null,
  postings: [],
  job: null,
  filter: null,
  cursor: null,
  shown: 0,
  request: 0, // bumps on every candidate reload so stale pages are dropped
  gapRequest: 0,
};

// ---------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);

/** Builds an element; string children become text nodes, never markup. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "style") for (const [p, v] of Object.entries(value)) el.style.setProperty(p, v);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function clear(el) {
  el.replaceChildren();
  return el;
}

function pct(value) {
  const n = Math.max(0, Math.min(1, Number(value) || 0));
  return Math.round(n * 100);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function fixed(value, digits = 2) {
  return Number(value).toFixed(digits);
}

/** Learner ids are long DIDs or hashes: show both ends, keep the whole in a tooltip. */
function shortId(id) {
  const s = String(id);
  if (s.length <= 26) return s;
  const prefix = s.match(/^(did:[a-z0-9]+:|sha256\$)/i);
  const head = prefix ? prefix[0].length + 6 : 14;
  return `${s.slice(0, head)}…${s.slice(-6)}`;
}

function idChip(id, label) {
  return h("code", { class: "id", title: String(id) }, h("span", { class: "visually-hidden" }, `${label}: `), shortId(id));
}

function learnerName(learner) {
  return learner.displayName || "Unnamed learner";
}

/** Postings may carry HTML descriptions: parse them inertly and keep only the prose. */
function plainText(html, limit) {
  if (!html) return "";
  // DOMParser documents run no scripts and load nothing; the text is all that leaves them.
  const doc = new DOMParser().parseFromString(String(html), "text/html");
  for (const heading of doc.body.querySelectorAll("h1, h2, h3, h4, h5, h6")) heading.remove();
  for (const block of doc.body.querySelectorAll("p, li, div, br")) {
    const text = block.textContent.trim();
    block.append(text && !/[.!?:;]$/.test(text) ? ". " : " ");
  }
  const text = (doc.body.textContent || "").replace(/\s+/g, " ").trim();
  return limit && text.length > limit ? `${text.slice(0, limit).replace(/\s+\S*$/, "")}…` : text;
}

function safeUrl(url) {
  try {
    const parsed = new URL(String(url), window.location.href);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function scoreBar(value, label, size) {
  const p = pct(value);
  const tone = p >= 75 ? "high" : p >= 50 ? "mid" : "low";
  return h("div", { class: `score score-${size || "md"} score-${tone}` },
    h("div", { class: "score-track", "aria-hidden": "true" },
      h("div", { class: "score-fill", style: { width: `${p}%` } })),
    h("span", { class: "score-value" }, h("span", { class: "visually-hidden" }, `${label} `), `${p}%`));
}

const VERDICT_TONE = {
  verified: "ok",
  expired: "bad",
  revoked: "bad",
  suspended: "bad",
  invalid: "bad",
  not_yet_valid: "warn",
  unverifiable: "warn",
};

function verdictChip(verdict) {
  const tone = VERDICT_TONE[verdict] || "warn";
  const mark = tone === "ok" ? "✓" : tone === "bad" ? "✗" : "!";
  return h("span", { class: `chip chip-${tone} verdict`, dataset: { verdict } },
    h("span", { "aria-hidden": "true" }, mark), String(verdict).replace(/_/g, " "));
}

function issuerCell(issuer) {
  return [
    h("span", { class: "issuer-name", title: issuer.id }, issuer.name || shortId(issuer.id)),
    " ",
    issuer.trusted
      ? h("span", { class: "tag tag-ok" }, "trusted")
      : h("span", { class: "tag tag-warn" }, "untrusted issuer"),
  ];
}

function requirementLabel(req) {
  return [
    h("span", { class: "req-text" }, req.text),
    " ",
    req.required
      ? h("span", { class: "tag" }, "required")
      : h("span", { class: "tag tag-soft" }, "nice to have"),
  ];
}

// ---------------------------------------------------------------------------
// API client
// ---------------------------------------------------------------------------
class ApiError extends Error {
  constructor(code, message, requestId) {
    super(message);
    this.code = code;
    this.requestId = requestId || null;
  }
}

async function gql(name, variables) {
  const query = QUERIES[name];
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (state.key) headers.Authorization = `Bearer ${state.key}`;
  const operationName = query.match(/^(?:query|mutation) (\w+)/)[1];
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
      credentials: "omit",
      body: JSON.stringify({ query, variables: variables || {}, operationName }),
    });
  } catch (err) {
    throw new ApiError("NETWORK", `Could not reach ${ENDPOINT}: ${err.message}`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // fall through: a proxy or crash page answered instead of the API
  }
  const first = body && Array.isArray(body.errors) && body.errors[0];
  if (first) {
    const ext = first.extensions || {};
    const retry = response.headers.get("Retry-After");
    const message = `${first.message || "Unknown error"}${retry ? ` (retry after ${retry} s)` : ""}`;
    throw new ApiError(ext.code || `HTTP_${response.status}`, message, ext.requestId);
  }
  if (!response.ok || !body || !body.data) {
    throw new ApiError(`HTTP_${response.status}`, `${ENDPOINT} answered ${response.status} ${response.statusText} without GraphQL data.`);
  }
  return body.data;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------
function showError(err) {
  const code = err instanceof ApiError ? err.code : "CLIENT";
  const hint = ERROR_HINTS[code];
  $("error-code").textContent = code;
  const msg = clear($("error-message"));
  msg.append(err.message);
  if (hint) msg.append(h("span", { class: "alert-hint" }, ` ${hint}`));
  if (err.requestId) msg.append(" ", h("span", { class: "alert-hint" }, "Request id: "), h("code", {}, err.requestId));
  $("error").hidden = false;
}

function hideError() {
  $("error").hidden = true;
}

async function run(task) {
  try {
    await task();
  } catch (err) {
    if (!(err instanceof ApiError)) console.error(err);
    showError(err);
    if (err instanceof ApiError && err.code === "UNAUTHENTICATED") {
      signOut(false);
      // so the next paste replaces the rejected key instead of appending to it
      $("api-key").focus();
      $("api-key").select();
    }
  }
}

// ---------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------
async function connect(key) {
  state.key = key;
  hideError();
  const { viewer } = await gql("viewer");
  state.viewer = viewer;
  sessionStorage.setItem(KEY_STORAGE, key);
  $("viewer-role").textContent = viewer.role;
  clear($("viewer-key")).append(viewer.keyId);
  $("api-key").value = "";
  $("key-form").hidden = true;
  $("session").hidden = false;
  $("intro").hidden = true;
  $("bring").hidden = true;
  $("workspace").hidden = false;
  applyRole(viewer);
  await loadPostings("");
}

function signOut(clearError) {
  state.key = null;
  state.viewer = null;
  state.job = null;
  sessionStorage.removeItem(KEY_STORAGE);
  if (clearError) hideError();
  $("key-form").hidden = false;
  $("session").hidden = true;
  $("intro").hidden = false;
  $("bring").hidden = false;
  $("bring-report").hidden = true;
  $("workspace").hidden = true;
  clear($("postings-list"));
  clear($("candidates-list"));
  clear($("gap-report"));
  $("rank-content").hidden = true;
  $("rank-empty").hidden = false;
  $("gap-learner").readOnly = false;
  $("gap-learner").value = "";
}

function isLearner(viewer) {
  return viewer.role === "learner";
}

function applyRole(viewer) {
  const learner = isLearner(viewer);
  $("tab-rank").hidden = learner;
  $("tab-gap").textContent = learner ? "My gap report" : "Gap report";
  const input = $("gap-learner");
  input.readOnly = learner;
  if (learner) input.value = viewer.learnerId || "";
  selectTab(learner ? "gap" : "rank", false);
}

// ---------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs pattern: arrow keys move between tabs)
// ---------------------------------------------------------------------------
function visibleTabs() {
  return [$("tab-rank"), $("tab-gap")].filter((t) => !t.hidden);
}

function selectTab(name, focus) {
  for (const [tabName, tab, panel] of [["rank", $("tab-rank"), $("panel-rank")], ["gap", $("tab-gap"), $("panel-gap")]]) {
    const on = tabName === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
    if (on && focus) tab.focus();
  }
}

function onTabKey(event) {
  const tabs = visibleTabs();
  const i = tabs.indexOf(event.target);
  let next = null;
  if (event.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
  else if (event.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
  else if (event.key === "Home") next = tabs[0];
  else if (event.key === "End") next = tabs[tabs.length - 1];
  if (!next) return;
  event.preventDefault();
  selectTab(next.id.replace("tab-", ""), true);
}

// ---------------------------------------------------------------------------
// Job postings
// ---------------------------------------------------------------------------
async function loadPostings(search) {
  const list = clear($("postings-list"));
  list.setAttribute("aria-busy", "true");
  $("postings-status").textContent = "Loading postings…";
  const vars = { first: POSTINGS_FIRST };
  if (search) vars.search = search;
  try {
    const { jobPostings } = await gql("jobPostings", vars);
    state.postings = jobPostings.nodes;
    renderPostings();
    fillJobSelect();
  } finally {
    list.removeAttribute("aria-busy");
  }
}

function renderPostings() {
  const list = clear($("postings-list"));
  const n = state.postings.length;
  $("postings-status").textContent = n === 0 ? "No postings match." : `${n} posting${n === 1 ? "" : "s"}`;
  for (const job of state.postings) {
    const required = job.requirements.filter((r) => r.required).length;
    const selected = state.job && state.job.id === job.id;
    list.append(h("li", {},
      h("button", {
        type: "button",
        class: "posting",
        "aria-pressed": String(Boolean(selected)),
        dataset: { jobId: job.id },
        onclick: () => run(() => selectJob(job)),
      },
      h("span", { class: "posting-title" }, job.title),
      h("span", { class: "posting-org" }, job.organization || "Organization not given"),
      h("span", { class: "posting-meta" },
        `${plural(job.requirements.length, "requirement")} · ${required} required`,
        job.datePosted ? ` · posted ${job.datePosted}` : ""))));
  }
}

function fillJobSelect() {
  const select = $("gap-job");
  const keep = select.value;
  clear(select);
  select.append(h("option", { value: "" }, "Choose a job posting…"));
  for (const job of state.postings) {
    select.append(h("option", { value: job.id }, job.organization ? `${job.title} — ${job.organization}` : job.title));
  }
  if (keep && state.postings.some((j) => j.id === keep)) select.value = keep;
  else if (state.job) select.value = state.job.id;
}

function renderPostingDetail(job) {
  const url = job.url && safeUrl(job.url);
  const dates = [job.datePosted && `Posted ${job.datePosted}`, job.validThrough && `closes ${String(job.validThrough).slice(0, 10)}`].filter(Boolean).join(" · ");
  const reqs = [...job.requirements].sort((a, b) => Number(b.required) - Number(a.required));
  clear($("posting-detail")).append(
    h("div", { class: "posting-head" },
      h("div", {},
        h("h2", { id: "posting-title" }, job.title),
        h("p", { class: "muted" }, job.organization || "Organization not given", dates ? ` · ${dates}` : "")),
      url ? h("a", { class: "btn btn-ghost btn-small", href: url, rel: "noopener noreferrer", target: "_blank" }, "Original posting ↗") : null),
    h("p", { class: "posting-desc" }, plainText(job.description, 260)),
    h("h3", { class: "small-title" }, "What this job needs"),
    h("ul", { class: "req-list" }, reqs.map((r) => h("li", { class: r.required ? "req req-required" : "req" }, requirementLabel(r)))));
}

async function selectJob(job) {
  state.job = job;
  for (const btn of document.querySelectorAll("#postings-list .posting")) {
    btn.setAttribute("aria-pressed", String(btn.dataset.jobId === job.id));
  }
  $("gap-job").value = job.id;
  $("rank-empty").hidden = true;
  $("rank-content").hidden = false;
  renderPostingDetail(job);
  await loadCandidates(true);
}

// ---------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------
function readFilter() {
  const filter = {};
  const min = $("filter-min-score").value.trim();
  if (min !== "") filter.minScore = Math.max(0, Math.min(100, Number(min))) / 100;
  if ($("filter-all-required").checked) filter.allRequiredMet = true;
  if ($("filter-verified").checked) filter.verifiedOnly = true;
  return Object.keys(filter).length ? filter : null;
}

async function loadCandidates(reset) {
  if (!state.job) return;
  const list = $("candidates-list");
  const more = $("more-candidates");
  if (reset) {
    state.request += 1;
    state.cursor = null;
    state.shown = 0;
    state.filter = readFilter();
    clear(list);
  }
  const ticket = state.request;
  const vars = { jobId: state.job.id, first: CANDIDATES_PAGE };
  if (state.cursor) vars.after = state.cursor;
  if (state.filter) vars.filter = state.filter;
  list.setAttribute("aria-busy", "true");
  more.disabled = true;
  $("candidates-status").textContent = "Ranking candidates…";
  try {
    const { candidates } = await gql("candidates", vars);
    if (ticket !== state.request) return; // another posting or filter was chosen meanwhile
    const openFirst = reset;
    candidates.edges.forEach((edge, i) => list.append(candidateCard(edge.node, openFirst && i === 0)));
    state.shown += candidates.edges.length;
    state.cursor = candidates.pageInfo.endCursor;
    more.hidden = !candidates.pageInfo.hasNextPage;
    $("candidates-status").textContent = candidates.totalCount === 0
      ? "No discoverable candidate matches this posting yet."
      : `Showing ${state.shown} of ${candidates.totalCount} candidates`;
  } catch (err) {
    if (ticket === state.request) $("candidates-status").textContent = "";
    throw err;
  } finally {
    if (ticket === state.request) {
      list.removeAttribute("aria-busy");
      more.disabled = false;
    }
  }
}

/** Required requirements first (postings often list nice-to-haves first), else posting order. */
function requiredFirst(coverage) {
  return [...coverage].sort((a, b) => Number(b.requirement.required) - Number(a.requirement.required));
}

function evidenceTable(coverage, caption) {
  return h("table", { class: "evidence-table" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {},
      ["Requirement", "Coverage", "Credential", "Issuer", "Verification", "Similarity"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, requiredFirst(coverage).map(coverageRow)));
}

function coverageRow(cov) {
  const status = cov.met
    ? h("span", { class: "met met-yes" }, h("span", { "aria-hidden": "true" }, "✓ "), "met")
    : h("span", { class: cov.requirement.required ? "met met-no" : "met met-soft" },
      h("span", { "aria-hidden": "true" }, "✗ "), cov.requirement.required ? "gap" : "not met");
  const first = [
    h("th", { scope: "row", class: "req-cell" }, requirementLabel(cov.requirement)),
    h("td", { class: "cov-cell" }, scoreBar(cov.value, "Coverage", "sm"), status),
  ];
  const ev = cov.evidence;
  if (!ev) {
    return h("tr", { class: "no-evidence" }, first,
      h("td", { colspan: "4", class: "muted" }, "No credential covers this requirement"));
  }
  const alts = cov.alternatives || [];
  return h("tr", {}, first,
    h("td", { class: "cred-cell" },
      h("span", { class: "achievement", title: ev.credentialId }, ev.achievement.name),
      ev.issued ? h("span", { class: "muted small block" }, `issued ${String(ev.issued).slice(0, 10)}`) : null,
      alts.length ? h("span", {
        class: "muted small block",
        title: alts.map((a) => `${a.achievement.name} (${a.verdict}, ${fixed(a.similarity)})`).join("\n"),
      }, `+${alts.length} other credential${alts.length === 1 ? "" : "s"}`) : null),
    h("td", { class: "issuer-cell" }, issuerCell(ev.issuer)),
    h("td", {}, verdictChip(ev.verdict),
      ev.validUntil ? h("span", { class: "muted small block" }, `until ${String(ev.validUntil).slice(0, 10)}`) : null),
    h("td", { class: "num" }, h("span", { class: "similarity", title: `trust ${fixed(ev.trust)}` }, fixed(ev.similarity))));
}

function gapList(gaps) {
  if (!gaps.length) return h("p", { class: "gaps gaps-none" }, h("span", { "aria-hidden": "true" }, "✓ "), "No gaps in required requirements");
  return h("div", { class: "gaps" },
    h("span", { class: "gaps-label" }, `Gaps (${gaps.length})`),
    h("ul", { class: "gap-chips" }, gaps.map((g) => h("li", { class: "chip chip-bad" }, g.text))));
}

function candidateCard(match, open) {
  const name = learnerName(match.learner);
  return h("li", { class: "candidate-item" },
    h("article", { class: "card candidate", dataset: { learnerId: match.learner.id }, "aria-label": `Rank ${match.rank}: ${name}` },
      h("div", { class: "cand-head" },
        h("span", { class: "rank", "aria-hidden": "true" }, `#${match.rank}`),
        h("div", { class: "cand-who" },
          h("h3", { class: "cand-name" }, name),
          idChip(match.learner.id, "learner id")),
        h("div", { class: "cand-score" },
          scoreBar(match.score, "Match score", "lg"),
          h("span", { class: "muted small" }, `${match.requiredMet} of ${match.requiredTotal} required met`)),
        h("button", {
          type: "button",
          class: "btn open-gap",
          "aria-label": `Open gap report for ${name}`,
          onclick: () => run(() => openGapReport(match.learner.id, state.job.id)),
        }, "Gap report →")),
      gapList(match.gaps),
      h("details", { class: "evidence", open: open ? true : null },
        h("summary", {}, `Evidence for ${match.coverage.length} requirements`),
        evidenceTable(match.coverage, `Evidence for ${name}`))));
}

// ---------------------------------------------------------------------------
// Gap report
// ---------------------------------------------------------------------------
async function openGapReport(learnerId, jobId) {
  $("gap-learner").value = learnerId;
  $("gap-job").value = jobId;
  selectTab("gap", false);
  await loadGapReport(learnerId, jobId);
  const heading = $("gap-title");
  if (heading) heading.focus();
}

async function loadGapReport(learnerId, jobId) {
  const out = clear($("gap-report"));
  const ticket = ++state.gapRequest;
  out.setAttribute("aria-busy", "true");
  out.append(h("p", { class: "muted", role: "status" }, "Building gap report…"));
  try {
    const { skillGap } = await gql("skillGap", { learnerId, jobId });
    if (ticket !== state.gapRequest) return;
    renderGapReport(skillGap);
  } catch (err) {
    if (ticket === state.gapRequest) clear(out);
    throw err;
  } finally {
    out.removeAttribute("aria-busy");
  }
}

function recommendationCard(rec) {
  const a = rec.achievement;
  const meta = [
    a.achievementType,
    a.hours != null ? `${a.hours} hours` : null,
    a.credits != null ? `${a.credits} credits` : null,
    a.fieldOfStudy,
  ].filter(Boolean).join(" · ");
  return h("li", { class: "card rec", dataset: { achievementId: a.id } },
    h("div", { class: "rec-head" },
      h("div", {},
        h("h4", { class: "rec-name" }, a.name),
        h("p", { class: "rec-issuer" }, issuerCell(a.issuer))),
      h("span", { class: "rec-weight", title: "Total weight of the gaps this credential closes" },
        h("span", { class: "rec-weight-num" }, fixed(rec.gapWeightClosed)), " gap weight")),
    meta ? h("p", { class: "muted small" }, meta) : null,
    a.description ? h("p", { class: "rec-desc" }, plainText(a.description, 220)) : null,
    h("div", { class: "closes" },
      h("span", { class: "closes-label" }, "Closes"),
      h("ul", { class: "gap-chips" }, rec.closes.map((r) => h("li", { class: "chip chip-ok" }, r.text)))),
    a.stacksInto.length
      ? h("p", { class: "muted small" }, "Stacks into ", a.stacksInto.map((s) => s.name).join(", "))
      : null);
}

function renderGapReport(report) {
  const required = report.coverage.filter((c) => c.requirement.required);
  const met = required.filter((c) => c.met).length;
  const name = learnerName(report.learner);
  clear($("gap-report")).append(
    h("article", { class: "card gap-summary", dataset: { learnerId: report.learner.id } },
      h("div", { class: "gap-summary-main" },
        h("p", { class: "eyebrow" }, "Gap report"),
        h("h2", { id: "gap-title", tabindex: "-1" }, name, " ", h("span", { class: "muted thin" }, "for"), " ", report.job.title),
        h("p", { class: "muted" }, idChip(report.learner.id, "learner id"),
          report.job.organization ? ` · ${report.job.organization}` : "")),
      h("div", { class: "gap-summary-score" },
        scoreBar(report.score, "Match score", "lg"),
        h("span", { class: "muted small" }, `${met} of ${required.length} required met · ${report.gaps.length} gap${report.gaps.length === 1 ? "" : "s"}`))),
    h("section", { class: "card", "aria-labelledby": "gap-req-title" },
      h("h3", { id: "gap-req-title", class: "section-title" }, "Requirements and evidence"),
      gapList(report.gaps),
      evidenceTable(report.coverage, `Evidence for ${name}`)),
    h("section", { class: "recs", "aria-labelledby": "gap-rec-title" },
      h("h3", { id: "gap-rec-title", class: "section-title" }, "Recommended micro-credentials"),
      report.recommendations.length
        ? h("ol", { class: "rec-list" }, report.recommendations.map(recommendationCard))
        : h("p", { class: "muted" }, report.gaps.length
          ? "No achievement in the catalog closes these gaps."
          : "Nothing to recommend: every required requirement is met."),
      report.recommendations.length ? stillOpen(report) : null));
}

/** Gaps no recommendation closes: without this the list reads as if it closed them all. */
function stillOpen(report) {
  const closed = new Set(report.recommendations.flatMap((r) => r.closes.map((c) => c.id)));
  const open = report.gaps.filter((g) => !closed.has(g.id));
  if (!open.length) return null;
  return h("div", { class: "open-gaps" },
    h("span", { class: "open-gaps-label" }, "No achievement in the catalog closes"),
    h("ul", { class: "gap-chips" }, open.map((g) => h("li", { class: "chip chip-warn" }, g.text))));
}

// ---------------------------------------------------------------------------
// Bring your credentials: a keyless challenge, then the signed presentation
// ---------------------------------------------------------------------------
async function getChallenge() {
  hideError();
  const { presentationChallenge: c } = await gql("challenge");
  clear($("bring-challenge-out")).append(
    "Challenge ", h("code", { id: "bring-challenge-value" }, c.challenge),
    " for domain ", h("code", {}, c.domain), ` · valid until ${c.expiresAt}`);
}

function readPresentation(text) {
  const trimmed = text.trim();
  if (!trimmed) throw new ApiError("BAD_INPUT", "Paste or upload your signed presentation first.");
  if (!trimmed.startsWith("{")) return trimmed.replace(/^"|"$/g, ""); // a VP-JWT
  try {
    return JSON.parse(trimmed);
  } catch (err) {
    throw new ApiError("BAD_INPUT", `The presentation is not valid JSON: ${err.message}`);
  }
}

async function submitPresentation() {
  hideError();
  const presentation = readPresentation($("bring-text").value);
  const { submitPresentation: report } = await gql("submitPresentation", { presentation, issueKey: true });
  renderPresentationReport(report);
  $("bring-text").value = "";
  if (report.apiKey) await connect(report.apiKey.token); // the learner's own key: not shown
}

function resultItem(result) {
  const failed = result.checks.filter((c) => c.ok === false);
  return h("li", { class: "card result", dataset: { loaded: String(result.loaded) } },
    h("div", { class: "rec-head" },
      h("span", {}, verdictChip(result.verdict), " ", result.id ? idChip(result.id, "credential id") : result.source),
      h("span", { class: `chip chip-${result.loaded ? "ok" : "bad"}` }, result.loaded ? "loaded" : "not loaded")),
    failed.length
      ? h("ul", { class: "result-checks" }, failed.map((c) => h("li", {}, h("strong", {}, c.name), `: ${c.detail}`)))
      : null);
}

function renderPresentationReport(report) {
  const out = $("bring-report");
  out.hidden = false;
  clear(out).append(h("article", { class: "card" },
    h("p", { class: "eyebrow" }, "Your presentation"),
    h("h2", { id: "bring-report-title", tabindex: "-1" },
      `${plural(report.loaded, "credential")} loaded, ${report.rejected} not`),
    h("p", { class: "muted" }, "Signed by ", idChip(report.learnerId, "learner id"),
      report.apiKey ? " · you are signed in with a learner key for this browser tab." : ""),
    report.results.length
      ? h("ol", { class: "results" }, report.results.map(resultItem))
      : h("p", { class: "muted" }, "A sign-in: the presentation held no credentials.")));
}

function loadPresentationFile(event) {
  const file = event.target.files && event.target.files[0];
  if (!file) return;
  file.text().then((text) => { $("bring-text").value = text; });
}

// ---------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------
function init() {
  $("bring-challenge").addEventListener("click", () => run(getChallenge));
  $("bring-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(submitPresentation);
  });
  $("bring-file").addEventListener("change", loadPresentationFile);
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("api-key").value.trim();
    if (!key) {
      showError(new ApiError("UNAUTHENTICATED", "Paste an API key first."));
      $("api-key").focus();
      return;
    }
    run(() => connect(key));
  });
  $("sign-out").addEventListener("click", () => {
    signOut(true);
    $("api-key").focus();
  });
  $("error-dismiss").addEventListener("click", hideError);
  for (const tab of [$("tab-rank"), $("tab-gap")]) {
    tab.addEventListener("click", () => selectTab(tab.id.replace("tab-", ""), false));
    tab.addEventListener("keydown", onTabKey);
  }
  $("posting-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => loadPostings($("posting-search").value.trim()));
  });
  $("filter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => loadCandidates(true));
  });
  $("more-candidates").addEventListener("click", () => run(() => loadCandidates(false)));
  $("gap-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const learnerId = $("gap-learner").value.trim();
    const jobId = $("gap-job").value;
    run(() => loadGapReport(learnerId, jobId));
  });

  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) run(() => connect(saved));
}

document.addEventListener("DOMContentLoaded", init);
