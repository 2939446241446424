// A click on a citation chip fills a hidden textbox with "answer:marker" (a refusal's suggestion:
// "article:<id>") and presses a hidden button; ChatPage.open_source (ui/chat.py) answers with the
// article for the source viewer.
function netlawOpen(target) {
  const box = document.querySelector('#chip-target textarea');
  box.value = target;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(function () { document.querySelector('#chip-open').click(); }, 50);
}

// The answer's copy buttons carry their text (plain text or Markdown, service/export.py) in
// data-copy; the last copied text is also kept in window.netlawCopied (what the browser test reads).
function netlawCopy(text, button) {
  window.netlawCopied = text;
  const done = function () {
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(function () { button.textContent = label; }, 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { netlawCopyFallback(text); done(); });
  } else {
    netlawCopyFallback(text);
    done();
  }
}

function netlawCopyFallback(text) {
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

document.addEventListener('click', function (event) {
  const chip = event.target.closest('.cite-chip');
  const suggestion = event.target.closest('.suggestion-link');
  const copy = event.target.closest('.copy-answer');
  if (chip) {
    event.preventDefault();
    netlawOpen(chip.dataset.answer + ':' + chip.dataset.marker);
  } else if (suggestion) {
    event.preventDefault();
    netlawOpen('article:' + suggestion.dataset.article);
  } else if (copy) {
    event.preventDefault();
    netlawCopy(copy.dataset.copy, copy);
  }
});
