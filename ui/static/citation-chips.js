// A click on a citation chip fills a hidden textbox with "answer:marker" (a refusal's suggestion:
// "article:<id>") and presses a hidden button; ChatPage.open_source (ui/chat.py) answers with the
// article for the source viewer. The Library tab, the comment boxes under answers do the same with
// their own hidden pair (LibraryPage.open_target, ChatPage.comment_on).
function netlawSend(box_id, button_id, value) {
  const box = document.querySelector('#' + box_id + ' textarea');
  box.value = value;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(function () { document.querySelector('#' + button_id).click(); }, 50);
}

function netlawOpen(target) {
  delete document.body.dataset.netlawClosed;  // a viewer closed on a phone opens again
  netlawSend('chip-target', 'chip-open', target);
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

// A comment box under an answer: its text goes to that answer's feedback record; the box empties.
function netlawComment(button) {
  const box = button.parentElement.querySelector('.comment-text');
  const text = box.value.trim();
  if (!text) { box.focus(); return; }
  netlawSend('comment-target', 'comment-open', JSON.stringify({answer: Number(button.dataset.answer), text: text}));
  box.value = '';
}

function netlawLibrary(target) {
  delete document.body.dataset.netlawClosed;
  netlawSend('library-target', 'library-open', target);
}

document.addEventListener('click', function (event) {
  const chip = event.target.closest('.cite-chip');
  const suggestion = event.target.closest('.suggestion-link');
  const copy = event.target.closest('.copy-answer');
  const comment = event.target.closest('.comment-send');
  const row = event.target.closest('.library-row');
  const outline = event.target.closest('.outline-link');
  if (chip) {
    event.preventDefault();
    netlawOpen(chip.dataset.answer + ':' + chip.dataset.marker);
  } else if (suggestion) {
    event.preventDefault();
    netlawOpen('article:' + suggestion.dataset.article);
  } else if (copy) {
    event.preventDefault();
    netlawCopy(copy.dataset.copy, copy);
  } else if (comment) {
    event.preventDefault();
    netlawComment(comment);
  } else if (row) {
    netlawLibrary('doc:' + row.dataset.doc);
  } else if (outline) {
    event.preventDefault();
    netlawLibrary('article:' + outline.dataset.article);
  } else if (event.target.closest('.viewer-close')) {
    document.body.dataset.netlawClosed = '1';  // the phone's article sheet (netlaw.css) goes away
  }
});

// Enter on a focused library row opens it, as a click does; Enter in a comment box sends it.
document.addEventListener('keydown', function (event) {
  if (event.key !== 'Enter' || event.shiftKey) { return; }
  const row = event.target.closest && event.target.closest('.library-row');
  const box = event.target.closest && event.target.closest('.comment-text');
  if (row) {
    netlawLibrary('doc:' + row.dataset.doc);
  } else if (box) {
    event.preventDefault();
    netlawComment(box.parentElement.querySelector('.comment-send'));
  }
});
