// Site search on top of Pagefind's JavaScript API. No inline script: CSP allows only files from this site.
// The search page carries the relative path to the site root in data-root, so the same build works
// under any base path.
const form = document.querySelector("form[data-search]");
const results = document.getElementById("search-results");
const status = document.getElementById("search-status");

function text(tag, content, cls) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (cls) el.className = cls;
  return el;
}

// Pagefind excerpts mark hits with <mark>; rebuild them as DOM nodes instead of trusting HTML.
function excerpt(html) {
  const p = document.createElement("p");
  p.className = "excerpt";
  html.split(/(<mark>.*?<\/mark>)/).forEach((part) => {
    const m = part.match(/^<mark>(.*)<\/mark>$/);
    const plain = (m ? m[1] : part).replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    p.appendChild(m ? text("mark", plain) : document.createTextNode(plain));
  });
  return p;
}

// Twenty results, at most three from one document (or from one kind of site page, such as the code pages):
// a word in a publisher's name is on every page of its documents, and would fill the list on its own.
const SHOWN = 20;
const PER_GROUP = 3;
const CANDIDATES = 80;

function varied(hits, base) {
  const taken = new Map();
  const out = [];
  for (const hit of hits) {
    const group = hit.url.slice(base.length).split("/")[1] || "";
    const count = taken.get(group) || 0;
    if (count < PER_GROUP) {
      taken.set(group, count + 1);
      out.push(hit);
    }
  }
  return out.slice(0, SHOWN);
}

// The index is split into shards (pagefind/<shard>/); the first is loaded, the others merged into it, all
// at once: each merge fetches its shard's entry and metadata, a round trip or two that one after another
// would add up over some 60 shards.
async function run(query) {
  const root = new URL(form.dataset.root, window.location.href);
  const [first, ...others] = form.dataset.shards.split(" ");
  const pagefind = await import(new URL(`pagefind/${first}/pagefind.js`, root).href);
  await pagefind.options({ baseUrl: root.pathname });
  await Promise.all(others.map((shard) =>
    pagefind.mergeIndex(new URL(`pagefind/${shard}/`, root).href, { baseUrl: root.pathname })));
  const search = await pagefind.search(query);
  const ranked = await Promise.all(search.results.slice(0, CANDIDATES).map((r) => r.data()));
  const hits = varied(ranked, root.pathname);
  results.replaceChildren();
  hits.forEach((hit) => {
    const li = document.createElement("li");
    const a = text("a", hit.meta.title || hit.url);
    a.href = hit.url;
    li.appendChild(a);
    li.appendChild(excerpt(hit.excerpt));
    results.appendChild(li);
  });
  status.textContent = form.dataset[hits.length ? "found" : "none"].replace("{count}", search.results.length);
}

if (form && results) {
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    form.elements.q.value = query;
    status.textContent = form.dataset.searching;
    run(query).catch(() => { status.textContent = form.dataset.failed; });
  }
}
