// Optional helper for pages that embed the gencost calculator in an iframe: sizes each frame to
// its content. The calculator posts {"type": "gencost:height", "height": <px>} to its parent;
// messages from any origin other than the calculator's are ignored.
//
//   <iframe src="https://HOST/?embed=1&model=..."></iframe>
//   <script src="https://HOST/embed-host.js" async></script>
(() => {
  const origin = new URL(document.currentScript ? document.currentScript.src : location.href).origin;
  addEventListener('message', (event) => {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || data.type !== 'gencost:height' || !Number.isFinite(data.height)) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow === event.source) frame.style.height = `${Math.ceil(data.height)}px`;
    }
  });
})();
