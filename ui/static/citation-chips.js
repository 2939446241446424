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
    button.textContent = button.dataset.copied || 'Copied';
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

// A document an upload added (its link in the upload's result): its outline opens in the Library, and
// the page goes to it once it is there.
function netlawOpenDocument(title) {
  window.netlawWantOutline = title;
  netlawLibrary('doc:' + title);
}

// The nearest ancestor of an element that scrolls (its content taller than it), or null: the page.
function netlawScroller(element) {
  for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && box.scrollHeight > box.clientHeight + 1) {
      return box;
    }
  }
  return null;
}

// An article opened in a viewer: the first quoted sentence is brought into view, in the viewer's own
// scrolling panel (a laptop) or sheet (a phone), and on the page when the panel itself is off screen.
function netlawShowQuote(viewer) {
  const mark = viewer.querySelector('.cols > .col:not(.parallel) mark') || viewer.querySelector('mark');
  if (!mark) { return; }
  const box = netlawScroller(mark);
  if (box) {
    const offset = mark.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop += offset - Math.min(box.clientHeight / 4, 80);
  }
  const rect = mark.getBoundingClientRect();
  if (rect.top < 0 || rect.bottom > window.innerHeight) {
    window.scrollBy(0, rect.top - window.innerHeight / 3);
  }
}

new MutationObserver(function (changes) {
  for (const change of changes) {
    for (const node of change.addedNodes) {
      if (node.nodeType !== 1) { continue; }
      const viewer = node.matches('.viewer') ? node : node.querySelector('.viewer');
      if (viewer && viewer.closest('#viewer, #library-viewer')) {
        requestAnimationFrame(function () { netlawShowQuote(viewer); });
      }
      const outline = node.matches('.outline') ? node : node.querySelector('.outline');
      if (outline && window.netlawWantOutline && outline.closest('#library-outline')) {
        delete window.netlawWantOutline;
        requestAnimationFrame(function () { outline.scrollIntoView({block: 'start'}); });
      }
    }
  }
}).observe(document.documentElement, {childList: true, subtree: true});

document.addEventListener('click', function (event) {
  const chip = event.target.closest('.cite-chip');
  const suggestion = event.target.closest('.suggestion-link');
  const copy = event.target.closest('.copy-answer');
  const comment = event.target.closest('.comment-send');
  const row = event.target.closest('.library-row');
  const outline = event.target.closest('.outline-link');
  const added = event.target.closest('.library-link');
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
  } else if (added) {
    event.preventDefault();
    netlawOpenDocument(added.dataset.doc);
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
