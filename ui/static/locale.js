// The interface language for Gradio's own components: the file picker's "Drop File Here" and "Click to
// Upload", its status texts, the footer. Gradio translates them with its own locale files, chosen from
// the browser's language when the page starts; the header's switch sets them here too: on every change
// of the switch (ui/helpdesk.py) netlawLocale calls changeLocale of the Gradio module the page loaded
// (a module is loaded once per address, so importing it again gives the page's own instance).
// Gradio writes one text in English whatever its locale: the chat log's screen-reader label; that one is
// set here from the chat's own label (ui/chat.py: the "chat_label" text, kept in data-label).
function netlawGradioCore() {
  const seen = [...document.querySelectorAll('script[type=module][src], link[rel=modulepreload][href]')]
    .map(function (e) { return e.src || e.href; })
    .concat(performance.getEntriesByType('resource').map(function (e) { return e.name; }));
  return seen.find(function (u) { return /\/assets\/core-[^/]*\.js$/.test(u); });
}

function netlawLogLabel() {
  const log = document.querySelector('#chat [role=log]');
  const label = document.querySelector('#chat-label');
  if (log && label && label.dataset.label && log.getAttribute('aria-label') !== label.dataset.label) {
    log.setAttribute('aria-label', label.dataset.label);
  }
}

window.netlawLocale = async function (choice) {
  const code = choice === '中文' ? 'zh-CN' : 'en';
  document.documentElement.lang = code;
  const core = netlawGradioCore();
  if (core) {
    try {
      const gradio = await import(core);
      if (gradio.changeLocale) { await gradio.changeLocale(code); }
    } catch (error) { console.warn('netlaw: Gradio locale not set', error); }
  }
  netlawLogLabel();
};

new MutationObserver(function () { netlawLogLabel(); }).observe(document.documentElement,
  {childList: true, subtree: true});
