// <gencost-calculator>: the gencost calculator as an element of any page.
//
//   <script type="module" src="https://HOST/embed.js"></script>
//   <gencost-calculator model="fal-ai/flux/dev" w="1024" h="768" retry="20"></gencost-calculator>
//
// Attributes use the share-URL names (model, w, h, sec, n, retry, max, fallback, failover,
// actions, catalog and any model option); `query` takes a whole share query string (workflows
// with s2. keys); `compact` gives the narrow layout. Each element renders into its own open
// shadow root, so the host page's styles, URL, history and links are never touched.
const base = new URL('./', import.meta.url);
const NOT_SCENARIO = /^(class|id|style|slot|title|lang|dir|hidden|tabindex|part|compact|query|data-.*|aria-.*|on.*)$/;

let wasm;
function loadWasm() {
  wasm ??= import(new URL('gencost-web.js', base).href).then(async (m) => {
    await m.default({ module_or_path: new URL('gencost-web_bg.wasm', base) });
    return m;
  });
  return wasm;
}

class GencostCalculator extends HTMLElement {
  #widget = null;
  #observer = null;

  /** The share query the attributes describe (`query` first, single attributes win). */
  scenarioQuery() {
    const params = new URLSearchParams(this.getAttribute('query') || '');
    for (const { name, value } of this.attributes) {
      if (!NOT_SCENARIO.test(name)) params.set(name, value);
    }
    return params.toString();
  }

  connectedCallback() {
    if (this.#observer) return;
    const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
    root.innerHTML = '';
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('style.css', base).href;
    const mount = document.createElement('div');
    mount.setAttribute('part', 'calculator');
    root.append(style, mount);
    this.#observer = new MutationObserver(() => {
      this.#widget?.set_query(this.scenarioQuery());
      this.#widget?.set_compact(this.hasAttribute('compact'));
    });
    this.#observer.observe(this, { attributes: true });
    loadWasm()
      .then((m) => {
        if (!this.isConnected || this.#widget) return;
        this.#widget = new m.Widget(mount, this.scenarioQuery(), base.href, this.hasAttribute('compact'));
        this.dispatchEvent(new CustomEvent('gencost:ready', { bubbles: true }));
      })
      .catch((e) => {
        mount.textContent = `The gencost calculator could not load: ${e.message}`;
      });
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#widget?.unmount();
    this.#widget?.free();
    this.#widget = null;
  }
}

if (!customElements.get('gencost-calculator')) customElements.define('gencost-calculator', GencostCalculator);
