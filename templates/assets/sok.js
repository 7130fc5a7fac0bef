// The search page (/sok/): a small interface over Pagefind's JavaScript API.
//
// The query, the filters and the sort order live in the URL (?q=SaLTo&tema=SaLTo), so a
// search can be linked and bookmarked. Results are built as DOM nodes from the records' plain
// text and Pagefind's word positions; no markup is ever taken from the index. No inline
// scripts or styles, so the page works under the site's Content-Security-Policy.

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;

/** Filter name in the index (and in the URL) -> legend, in the order shown. */
const FILTERS = new Map([
  ["type", "Dokumenttype"],
  ["tema", "Tema"],
  ["omrade", "Område"],
  ["ar", "År"],
]);
const TYPE_ORDER = ["Referat", "Seminaroppsummering", "Avtale", "Oppfølgingspunkt", "Tema", "Område"];
const NEWEST = "nyeste";
/**
 * Pagefind's ranking: a match in a page's title counts less than by default, and a document
 * is not penalised for its length, so documents that discuss «Enhet øst» rank above register
 * pages that merely name it (search.REGISTER_WEIGHT does the rest). Without the length, a
 * record's score for one search word is the word's rarity in the bundle (its IDF) times what
 * the record alone decides, so the page can score it as one bundle would (relevance()).
 */
const RANKING = { metaWeights: { title: 2 }, pageLength: 0 };
/** Scores closer than this (relative) are equal: the order among them is newest first. */
const SAME_SCORE = 1e-5;
/** Below this width the filters start folded, so the results are not pushed far down. */
const NARROW = window.matchMedia("(max-width: 47.99rem)");
const FAILED = "Søket kunne ikke lastes. Last siden på nytt, eller bla etter tema, område eller år.";

const dateFormat = new Intl.DateTimeFormat("nb-NO", {
  day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
});

const root = document.getElementById("sok");
const form = document.getElementById("sok-skjema");
const queryInput = document.getElementById("sok-q");
const sortSelect = document.getElementById("sok-sortering");
const filterBox = document.getElementById("sok-filtre");
const filterPanel = document.getElementById("sok-filterboks");
const status = document.getElementById("sok-status");
const list = document.getElementById("sok-treff");
const moreButton = document.getElementById("sok-flere");

let pagefind = null;
/**
 * The index is a base of every record, in one or more parts, and a delta of the records that
 * changed since (search.manifest); each is searched by itself (a filter names it) and the
 * results merged. The base's superseded records (edited or deleted since) are hidden here and
 * taken out of every count, so what the page finds and counts is what one bundle of the
 * current records would give.
 *
 * Each part: its folder name, the number of records in older parts, its hidden records and
 * the id of its word guard (search.sentinel_html).
 */
let baseParts = [];
let partFilter = "";
/**
 * The delta (null: none): its folder, record count, date places, each record's
 * filters and its guard. Pagefind is never asked for the delta's filters: that would fetch
 * every filter file of the delta at the first search; its records' filters are in the manifest.
 */
let delta = null;
/** Resolves when the delta is merged into the base: at the first search, not on opening. */
let deltaMerged = null;
let indexOptions = {};
/** The base's filter counts as Pagefind gives them, taken once, before the delta is merged. */
let baseCounts = {};
/** The areas as a tree of names, for grouping the area filter. */
let areaTree = [];
/**
 * The manifest as the index was loaded from it (its text). The site can be built again while
 * the page reads the index (the preview publishes after every save, a deploy does too), and
 * the bundle files of the index the page loaded are then gone: a changed manifest says so.
 */
let manifestText = "";
/** Resolves when the index, loaded again, is ready (null: no loading under way). */
let reloading = null;
let generation = 0;
let pending = [];
let typingTimer = 0;

// --- state <-> URL -----------------------------------------------------------------------

function readState(params) {
  const filters = {};
  for (const name of FILTERS.keys()) {
    const values = params.getAll(name).filter(Boolean);
    if (values.length) filters[name] = values;
  }
  return { query: (params.get("q") || "").trim(), sort: params.get("sortering") || "", filters };
}

function formState() {
  const filters = {};
  for (const box of filterBox.querySelectorAll("input[type=checkbox]:checked")) {
    const values = (filters[box.name] ||= []);
    if (!values.includes(box.value)) values.push(box.value);
  }
  return { query: queryInput.value.trim(), sort: sortSelect.value, filters };
}

function stateParams(state) {
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  for (const [name, values] of Object.entries(state.filters)) {
    for (const value of values) params.append(name, value);
  }
  if (state.sort) params.set("sortering", state.sort);
  return params;
}

function remember(state) {
  const search = stateParams(state).toString();
  const url = window.location.pathname + (search ? `?${search}` : "");
  if (url !== window.location.pathname + window.location.search) {
    window.history.replaceState(null, "", url);
  }
  document.title = (state.query ? `«${state.query}» – ` : "") + "Søk – Politirådet i Oslo";
}

function isEmpty(state) {
  return !state.query && Object.keys(state.filters).length === 0;
}

// --- filter controls ---------------------------------------------------------------------

function sortedValues(name, counts) {
  const values = Object.keys(counts);
  if (name === "ar") return values.sort().reverse();
  if (name === "type") {
    const rank = (value) => {
      const place = TYPE_ORDER.indexOf(value);
      return place < 0 ? TYPE_ORDER.length : place;
    };
    return values.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, "nb"));
  }
  return values.sort((a, b) => a.localeCompare(b, "nb"));
}

function buildFilters(available, selected) {
  filterBox.replaceChildren();
  const ids = { next: 0 };
  for (const [name, legendText] of FILTERS) {
    const counts = available[name];
    if (!counts || Object.keys(counts).length === 0) continue;
    const fieldset = document.createElement("fieldset");
    fieldset.className = "search-filter";
    const legend = document.createElement("legend");
    legend.textContent = legendText;
    fieldset.append(legend);
    if (name === "omrade") {
      fieldset.append(areaList(counts, selected[name] || [], ids));
    } else {
      for (const value of sortedValues(name, counts)) {
        fieldset.append(checkbox(name, value, `sok-filter-${ids.next++}`, selected[name] || []));
      }
    }
    filterBox.append(fieldset);
  }
}

/**
 * The area filter as nested lists: politidistrikt → driftsenhet → bydel → område. An area
 * under two units (Bydel Frogner) is listed under both; the two boxes move together.
 * Areas the tree does not know are listed last.
 */
function areaList(counts, selected, ids) {
  const placed = new Set();
  const list = (nodes) => {
    const items = document.createElement("ul");
    items.className = "search-filter__tree";
    for (const node of nodes) {
      const below = node.under.length ? list(node.under) : null;
      if (!(node.navn in counts)) {
        if (below) items.append(...below.children);
        continue;
      }
      placed.add(node.navn);
      const item = document.createElement("li");
      item.append(checkbox("omrade", node.navn, `sok-filter-${ids.next++}`, selected));
      if (below?.children.length) item.append(below);
      items.append(item);
    }
    return items;
  };
  const tree = list(areaTree);
  const rest = sortedValues("omrade", counts).filter((value) => !placed.has(value));
  for (const value of rest) {
    const item = document.createElement("li");
    item.append(checkbox("omrade", value, `sok-filter-${ids.next++}`, selected));
    tree.append(item);
  }
  return tree;
}

function checkbox(name, value, id, selected) {
  const wrapper = document.createElement("div");
  wrapper.className = "search-filter__option";
  const input = document.createElement("input");
  Object.assign(input, { type: "checkbox", name, value, id, checked: selected.includes(value) });
  const label = document.createElement("label");
  label.htmlFor = id;
  const text = document.createElement("span");
  text.textContent = value;
  const count = document.createElement("span");
  count.className = "search-filter__count";
  label.append(text, " ", count);
  wrapper.append(input, label);
  return wrapper;
}

/** The other boxes of the same value (an area listed under two units) follow *box*. */
function checkTwins(box) {
  for (const twin of filterBox.querySelectorAll("input[type=checkbox]")) {
    if (twin.name === box.name && twin.value === box.value) twin.checked = box.checked;
  }
}

function showCounts(counts) {
  for (const box of filterBox.querySelectorAll("input[type=checkbox]")) {
    const count = counts?.[box.name]?.[box.value] ?? 0;
    box.nextElementSibling.querySelector(".search-filter__count").textContent = `(${count})`;
  }
}

// --- results -----------------------------------------------------------------------------

/** Words shown in an excerpt, as many as Pagefind's own excerpts. */
const EXCERPT_WORDS = 30;

/**
 * The words of a result's text, split as Pagefind splits them, so that its word positions
 * (`locations`) point at the right words. Null when the text is split another way.
 */
function contentWords(data) {
  if ((data.raw_content || "").includes("\u200B")) return null;
  return (data.content || "").split(/[\r\n\s]+/g);
}

/** Starts the folded forms at the end of each record (search.FOLDED_MARK). */
const FOLDED_MARK = "\u2042";
const FOLDINGS = [{ æ: "a", ø: "o", å: "a" }, { æ: "ae", ø: "oe", å: "aa" }];

/** The runs of letters and digits in a word, folded as search.folded_forms folds them. */
function foldedRuns(word) {
  const forms = [];
  for (const run of word.normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!/[æøå]/.test(run)) {
      if (run) forms.push(run);
      continue;
    }
    for (const folding of FOLDINGS) forms.push(run.replace(/[æøå]/g, (c) => folding[c]));
  }
  return forms;
}

/**
 * Pagefind's matches in the record's own words. A match among the folded forms («gronland»)
 * becomes a match on each word of the text it was folded from («Grønland»).
 */
function textHits(words, locations) {
  const end = Math.max(0, words.lastIndexOf(FOLDED_MARK));
  const textEnd = end || words.length;
  const hits = new Set(locations.filter((at) => at >= 0 && at < textEnd));
  const wanted = new Set();
  for (const at of locations) {
    if (at > end && end > 0 && at < words.length) {
      for (const form of foldedRuns(words[at])) wanted.add(form);
    }
  }
  if (wanted.size) {
    for (let at = 0; at < textEnd; at++) {
      if (/[æøå]/i.test(words[at]) && foldedRuns(words[at]).some((form) => wanted.has(form))) {
        hits.add(at);
      }
    }
  }
  return { hits, textEnd };
}

/** First word of the window of EXCERPT_WORDS words that holds the most matches, centred. */
function excerptStart(hits, wordCount) {
  if (wordCount <= EXCERPT_WORDS || hits.length === 0) return 0;
  const sorted = [...hits].sort((a, b) => a - b);
  let first = 0;
  let count = 0;
  for (let from = 0, to = 0; from < sorted.length; from++) {
    while (to < sorted.length && sorted[to] < sorted[from] + EXCERPT_WORDS) to++;
    if (to - from > count) [first, count] = [from, to - from];
  }
  const span = sorted[first + count - 1] - sorted[first] + 1;
  const start = sorted[first] - Math.floor((EXCERPT_WORDS - span) / 2);
  return Math.max(0, Math.min(start, wordCount - EXCERPT_WORDS));
}

/**
 * The excerpt as DOM nodes: text nodes, and <mark> elements around the matched words.
 * Built from the plain text of the record and Pagefind's word positions, never from markup,
 * so text like «<img onerror=…>» or «&lt;» shows as written and nothing in it can run.
 */
function excerptNodes(data) {
  const words = contentWords(data);
  if (!words) return [document.createTextNode(data.plain_excerpt || "")];
  const { hits, textEnd } = textHits(words, data.locations || []);
  const start = excerptStart([...hits], textEnd);
  const end = Math.min(textEnd, start + EXCERPT_WORDS);
  const nodes = [];
  let text = start > 0 ? "… " : "";
  for (let at = start; at < end; at++) {
    const separator = at > start ? " " : "";
    if (hits.has(at)) {
      if (text || separator) nodes.push(document.createTextNode(text + separator));
      const mark = document.createElement("mark");
      mark.textContent = words[at];
      nodes.push(mark);
      text = "";
    } else {
      text += separator + words[at];
    }
  }
  if (end < textEnd) text += " …";
  if (text) nodes.push(document.createTextNode(text));
  return nodes;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result__title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "search-result__meta";
  meta.append(data.meta.type || "");
  if (data.meta.date) {
    const time = document.createElement("time");
    time.dateTime = data.meta.date;
    time.textContent = dateFormat.format(new Date(`${data.meta.date}T00:00:00Z`));
    meta.append(", ", time);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result__excerpt";
  excerpt.append(...excerptNodes(data));
  item.append(heading, meta, excerpt);
  return item;
}

/** List items of *batch*, a page of results (Pagefind loads each record's text for them). */
async function resultItems(batch) {
  return (await Promise.all(batch.map((result) => result.data()))).map(resultItem);
}

async function showMore(focusFirst) {
  const batch = pending.splice(0, PAGE_SIZE);
  const mine = generation;
  let items;
  try {
    items = await resultItems(batch);
  } catch (error) {  // the site was built again since the search: search the new index
    console.warn("Search results could not be read; searching again.", error);
    if (mine === generation) await run(formState());
    return;
  }
  if (mine !== generation) return;
  list.append(...items);
  moreButton.hidden = pending.length === 0;
  if (focusFirst && items.length) items[0].querySelector("a").focus();
}

function countText(count, state) {
  const what = state.query ? ` for «${state.query}»` : "";
  const filtered = Object.keys(state.filters).length ? " med valgte filtre" : "";
  if (count === 0) {
    return `Ingen treff${what}${filtered}. Prøv et annet ord eller færre filtre.`;
  }
  return `${count} treff${what}${filtered}.`;
}

// --- searching ---------------------------------------------------------------------------

/** Add (sign 1) or take away (sign -1) one record's filter values to or from *counts*. */
function tally(counts, filters, sign) {
  for (const [name, values] of Object.entries(filters || {})) {
    const forName = (counts[name] ||= {});
    for (const value of values) forName[value] = (forName[value] || 0) + sign;
  }
}

/** A copy of Pagefind's counts without the hidden records among *found* (ids) of *among*. */
function withoutHidden(counts, found, among) {
  const result = {};
  for (const [name, values] of Object.entries(counts || {})) result[name] = { ...values };
  for (const id of found) if (among.has(id)) tally(result, among.get(id), -1);
  return result;
}

/** Add the counts *more* to *counts*. */
function addCounts(counts, more) {
  for (const [name, values] of Object.entries(more || {})) {
    const forName = (counts[name] ||= {});
    for (const [value, count] of Object.entries(values)) forName[value] = (forName[value] || 0) + count;
  }
  return counts;
}

/** Merge the delta into the base, once; the page opens without it (its counts are in the manifest). */
function mergeDelta() {
  if (!deltaMerged) {
    deltaMerged = delta ? pagefind.mergeIndex(delta.folder, indexOptions) : Promise.resolve();
  }
  return deltaMerged;
}

/** Every record's filter counts: the base's and the delta's, less the hidden records. */
function totals() {
  const counts = addCounts({}, baseCounts);
  for (const part of baseParts) {
    for (const filters of part.hidden.values()) tally(counts, filters, -1);
  }
  if (delta) for (const filters of Object.values(delta.filters)) tally(counts, filters, 1);
  for (const values of Object.values(counts)) {
    for (const [value, count] of Object.entries(values)) if (count <= 0) delete values[value];
  }
  return counts;
}

/**
 * Results sorted newest first. Pagefind scores a date-sorted result by its place in its own
 * bundle's date order; a delta record is given its place among the base's records
 * (search.manifest's «plass»: how many base records sort at or before it), so the merged
 * results are in date order across both bundles.
 */
function dateScore(result) {
  const place = delta?.places[result.id];
  if (place === undefined) return result.score;
  return place - 1 + (result.score + 1) / (delta.pages + 1);
}

/** Sorted results, best (or newest) first, of [score, result] pairs. */
function ranked(scored) {
  return scored.sort((a, b) => b[0] - a[0]).map(([, result]) => result);
}

/** Pagefind's IDF of a word found in *matching* of *total* records, in its 32-bit floats. */
function idf(total, matching) {
  const f = Math.fround;
  return f(Math.log(f(f(f(f(total) - f(matching)) + 0.5) / f(f(matching) + 0.5)) + 1));
}

/**
 * Results most relevant first, scored as one bundle of every current record would score them.
 * Pagefind scores a record for each search word by the word's IDF in its own bundle times what
 * the record alone decides (RANKING); the page divides that IDF out of each word's score in
 * each bundle and multiplies by the IDF among all current records. Records with the same score
 * (SAME_SCORE) come newest first; *scored* holds [score, date place, result] triples.
 */
function relevance(scored) {
  scored.sort((a, b) => b[0] - a[0]);
  const groups = [];
  for (const entry of scored) {
    const last = groups[groups.length - 1];
    if (last && last.at(-1)[0] - entry[0] <= SAME_SCORE * Math.abs(last.at(-1)[0])) last.push(entry);
    else groups.push([entry]);
  }
  return groups.flatMap((group) => group.sort((a, b) => b[1] - a[1]).map(([, , result]) => result));
}

/** A quoted search is for the exact words: Pagefind does not extend them, so no guard is needed. */
const EXACT = /^\s*".+"\s*$/;
/** Sorts after every word that starts with the same letters (see searchParts). */
const CHUNK_END = "zzzzzzzz";
/** The signs Pagefind takes out of a search before splitting it into words. */
const DROPPED = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u;

/** The words Pagefind splits *query* into (each still to be folded and stemmed by it). */
function searchWords(query) {
  return query.split(/\s+/).filter((word) => [...word].some((sign) => !DROPPED.test(sign)));
}

/**
 * One bundle's response to the search, or null when the bundle must not count. Pagefind
 * matches a search word to the bundle's words that start with it. When there are none, it
 * takes the longest word of the bundle that the search word starts with («toyen» to «to»), or
 * leaves the search word out if there is none: that depends on the bundle's own words, so a
 * base part or the delta would find records that one bundle of every record does not. The
 * bundle's word guard (search.sentinel_html) is found exactly when a search word starts some
 * word of the bundle, so the bundle counts only when the guard is found for each search word.
 * What it finds then is the records with a word that starts with each search word, the same
 * records wherever they are; a search word that starts no word finds nothing.
 */
async function searchBundle(bundle, query, filters, byDate) {
  const only = { [partFilter]: { any: [bundle.name] } };
  const words = query === null || EXACT.test(query) ? [] : searchWords(query);
  const [response, dated, ...perWord] = await Promise.all([
    pagefind.search(query, { filters: { ...filters, ...only }, ...(byDate ? { sort: { date: "desc" } } : {}) }),
    byDate ? null : pagefind.search(query, { filters: { ...filters, ...only }, sort: { date: "desc" } }),
    ...words.map((word) => pagefind.search(word, { filters: only })),
  ]);
  const guarded = (answer) => answer?.results.some((result) => result.id === bundle.sentinel);
  if (!response || !perWord.every(guarded)) return null;
  return { response, dated, perWord };
}

/** A result's place in the date order of every record (see dateScore). */
function datePlace(bundle, result) {
  return bundle.offset === null ? dateScore(result) : bundle.offset + result.score;
}

/**
 * A search of each bundle for itself (each part of the base, then the delta), merged: a part's
 * date-sorted results are scored by their place in the whole base's date order (the records in
 * older parts, plus their place in the part), the delta's by dateScore; the most relevant
 * first by relevance().
 */
async function searchParts(query, filters, byDate) {
  const bundles = [...baseParts, ...(delta ? [{
    name: delta.name, offset: null, hidden: new Map(), sentinel: delta.sentinel, pages: delta.pages,
    filters: delta.filters,
  }] : [])];
  // Pagefind loads the index chunk where a search word would stand and looks for the words
  // that start with it there. A word with many records ends a chunk, and the guard of its
  // words («samarbeid0zqx») then opens the next one: load that too, the chunk where the last
  // word that starts with the search word would stand.
  if (query !== null && !EXACT.test(query)) {
    await Promise.all(searchWords(query).map((word) => pagefind.preload(`${word}${CHUNK_END}`)));
  }
  const answers = await Promise.all(bundles.map((bundle) => searchBundle(bundle, query, filters, byDate)));
  const shown = (bundle, result) => !bundle.hidden.has(result.id) && result.id !== bundle.sentinel;
  // Each search word's IDF among every current record and one word guard, as in one bundle.
  const records = bundles.reduce((sum, bundle) => sum + bundle.pages - bundle.hidden.size, 0) + 1;
  const words = answers.find(Boolean)?.perWord.length ?? 0;
  const wordIdf = Array.from({ length: words }, (_, word) => idf(records, 1 + answers.reduce(
    (sum, answer, at) => sum + (answer ? answer.perWord[word].results.filter((r) => shown(bundles[at], r)).length : 0), 0)));
  const scored = [];
  const counts = {};
  answers.forEach((answer, at) => {
    const bundle = bundles[at];
    if (!answer) return;
    const places = new Map((answer.dated?.results || []).map((r) => [r.id, datePlace(bundle, r)]));
    // What the record alone decides of its score for each word: the score without the bundle's IDF.
    const own = answer.perWord.map((found) => {
      const rarity = idf(bundle.pages + 1, found.results.length);
      return new Map(found.results.map((r) => [r.id, r.score / rarity]));
    });
    for (const result of answer.response.results) {
      if (!shown(bundle, result)) continue;
      if (byDate) scored.push([datePlace(bundle, result), 0, result]);
      else {
        const score = words ? own.reduce((sum, found, word) => sum + wordIdf[word] * (found.get(result.id) || 0), 0)
          : result.score;
        scored.push([score, places.get(result.id) ?? 0, result]);
      }
    }
    if (bundle.filters) {
      // The delta: its shown results' own filters (see delta), not Pagefind's counts.
      for (const result of answer.response.results) {
        if (shown(bundle, result)) tally(counts, bundle.filters[result.id], 1);
      }
    } else {
      addCounts(counts, withoutHidden(answer.response.filters, answer.response.results.map((r) => r.id), bundle.hidden));
    }
  });
  return { results: byDate ? ranked(scored.map(([score, , result]) => [score, result])) : relevance(scored), counts };
}

async function run(state, reveal = false) {
  const mine = ++generation;
  remember(state);
  if (isEmpty(state)) {
    pending = [];
    list.replaceChildren();
    moreButton.hidden = true;
    status.textContent = "";
    showCounts(totals());
    return;
  }
  const query = state.query || null;
  const filters = Object.fromEntries(
    Object.entries(state.filters).map(([name, values]) => [name, { any: values }]));
  const byDate = state.sort === NEWEST || !state.query;
  let found;
  try {
    found = await fromCurrentIndex(async () => {
      await mergeDelta();
      const answer = await searchParts(query, filters, byDate);
      return { ...answer, first: await resultItems(answer.results.slice(0, PAGE_SIZE)) };
    });
  } catch (error) {
    if (mine === generation) status.textContent = FAILED;
    throw error;
  }
  if (mine !== generation) return;
  pending = found.results.slice(PAGE_SIZE);
  const total = found.results.length;
  list.replaceChildren(...found.first);
  moreButton.hidden = pending.length === 0;
  showCounts(found.counts);
  status.textContent = countText(total, state);
  // On a phone a box near the top of the filter panel is ticked without the page moving, and
  // the results start below the panel: bring the first one's title (or the count) into view by
  // the least scroll, so ticking a box visibly changes the results; only the title, so on a
  // short screen (200 % zoom) the ticked box stays in view too.
  const first = list.querySelector(".search-result__title") || status;
  if (reveal) first.scrollIntoView({ block: "nearest" });
}

function schedule(delay, reveal = false) {
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(() => run(formState(), reveal), delay);
}

/**
 * What *read* (a search of the index) gives, read from the site as it is now. When it fails,
 * or the manifest changed while it ran, the site was built again under the page and some of
 * the files it read were gone (Pagefind then fails, or takes an index chunk for one without
 * words and finds too little): the index is loaded again and *read* run once more.
 */
async function fromCurrentIndex(read) {
  try {
    const done = await read();
    if ((await fetchManifest()).text === manifestText) return done;
  } catch (error) {
    console.warn("The search index could not be read; loading it again.", error);
  }
  await reloadIndex();
  return read();
}

/** Load the index again, once for every search that asks while it loads. */
function reloadIndex() {
  reloading ||= loadIndex().finally(() => { reloading = null; });
  return reloading;
}

/** The manifest's address and text as the site has it now (never from the browser's cache). */
async function fetchManifest() {
  const url = new URL(root.dataset.index, window.location.href);
  const answer = await fetch(url, { cache: "no-cache" });
  if (!answer.ok) throw new Error(`${url}: ${answer.status}`);
  return { url, text: await answer.text() };
}

/**
 * Load the manifest and the base's Pagefind (anew when loaded before). Bundles are given by
 * path and get the site's base URL, so results link under the sub-path and never to a full
 * address.
 */
async function loadIndex() {
  const { url: manifestUrl, text } = await fetchManifest();
  const manifest = JSON.parse(text);
  areaTree = manifest.omrader || [];
  partFilter = manifest.delfilter;
  let offset = 0;
  baseParts = manifest.grunn.map((part) => {
    const entry = {
      name: part.mappe, offset, sentinel: manifest.vakt[part.mappe], pages: part.sider,
      hidden: new Map(Object.entries(manifest.skjult[part.mappe] || {})),
    };
    offset += part.sider;
    return entry;
  });
  const folder = (name) => new URL(`${name}/`, manifestUrl).pathname;
  const changes = manifest.endring;
  delta = changes && {
    name: changes.mappe, folder: folder(changes.mappe), pages: changes.sider,
    places: changes.plass, filters: changes.filtre,
    sentinel: manifest.vakt[changes.mappe],
  };
  indexOptions = { baseUrl: root.dataset.baseUrl, ranking: RANKING };
  const partOptions = (part) => ({ ...indexOptions, mergeFilter: { [partFilter]: part.name } });
  const [newest, ...older] = [...baseParts].reverse();
  if (pagefind) await pagefind.destroy();
  deltaMerged = null;
  manifestText = text;
  pagefind = await import(`${folder(newest.name)}pagefind.js`);
  await pagefind.options(partOptions(newest));
  await pagefind.init();
  await Promise.all(older.map((part) => pagefind.mergeIndex(folder(part.name), partOptions(part))));
  baseCounts = await pagefind.filters();
}

async function start() {
  root.hidden = false;
  const state = readState(new URLSearchParams(window.location.search));
  queryInput.value = state.query;
  sortSelect.value = state.sort === NEWEST ? NEWEST : "";
  filterPanel.open = !NARROW.matches || Object.keys(state.filters).length > 0;
  status.textContent = "Laster søket …";
  try {
    await loadIndex().catch((error) => {  // a new site published while the page loaded it
      console.warn("The search index could not be loaded; trying once more.", error);
      return loadIndex();
    });
    buildFilters(totals(), state.filters);
  } catch (error) {
    status.textContent = FAILED;
    throw error;
  }
  status.textContent = "";
  queryInput.addEventListener("input", () => schedule(TYPING_DELAY_MS));
  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox") checkTwins(event.target);
    if (event.target !== queryInput) {
      schedule(0, event.target.type === "checkbox" && NARROW.matches);
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    schedule(0);
  });
  moreButton.addEventListener("click", () => showMore(true));
  await run(formState());
}

start();
