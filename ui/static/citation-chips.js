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

// An article opened in a viewer: the first quoted sentence is brought to the middle of the viewer's own
// scrolling panel (a laptop) or sheet (a phone) and of the window, by the browser's scrollIntoView, which
// moves every scrolling box around it and the page at once. The page may move after the first frame (the
// viewer hint goes, the chat follows its newest answer, fonts load), which left the quote above the window
// when the page had been scrolled (issue 31 point 9), so the quote is checked again while the layout settles,
// until the user scrolls or presses a key.
function netlawQuoteMark(viewer) {
  return viewer.querySelector('.cols > .col:not(.parallel) mark') || viewer.querySelector('mark');
}

function netlawQuoteOnScreen(mark) {
  const r = mark.getBoundingClientRect();
  let top = Math.max(r.top, 0);
  let bottom = Math.min(r.bottom, window.innerHeight);
  const box = netlawScroller(mark);
  if (box) {
    const b = box.getBoundingClientRect();
    top = Math.max(top, b.top);
    bottom = Math.min(bottom, b.bottom);
  }
  return bottom - top >= Math.min(20, r.height);
}

const netlawQuote = {until: 0};

function netlawShowQuote(panel) {  // the panel's article now: Gradio may have replaced the first one
  const viewer = panel.querySelector('.viewer');
  const mark = viewer && netlawQuoteMark(viewer);
  if (!mark || Date.now() > netlawQuote.until) { return; }
  if (!netlawQuoteOnScreen(mark)) { mark.scrollIntoView({block: 'center', inline: 'nearest'}); }
}

function netlawFollowQuote(panel) {
  netlawQuote.until = Date.now() + 2500;
  const viewer = panel.querySelector('.viewer');
  const mark = viewer && netlawQuoteMark(viewer);
  if (mark) { mark.scrollIntoView({block: 'center', inline: 'nearest'}); }
  for (const wait of [150, 400, 800, 1500, 2400]) { setTimeout(function () { netlawShowQuote(panel); }, wait); }
}

for (const kind of ['wheel', 'touchstart', 'keydown']) {  // the user's own scrolling is never undone
  window.addEventListener(kind, function () { netlawQuote.until = 0; }, {passive: true, capture: true});
}

// Gradio updates an HTML component in place (the same .viewer element, its children changed), so any change
// inside a viewer panel, not only a new .viewer element, is an article opened there.
new MutationObserver(function (changes) {
  const panels = new Set();
  for (const change of changes) {
    const target = change.target.nodeType === 1 ? change.target : change.target.parentElement;
    const panel = target && target.closest('#viewer, #library-viewer');
    if (panel && panel.querySelector('.viewer mark')) { panels.add(panel); }
    for (const node of change.addedNodes) {
      if (node.nodeType !== 1) { continue; }
      const viewer = node.matches('.viewer') ? node : node.querySelector('.viewer');
      const opened = viewer && viewer.closest('#viewer, #library-viewer');
      if (opened) { panels.add(opened); }
      const outline = node.matches('.outline') ? node : node.querySelector('.outline');
      if (outline && window.netlawWantOutline && outline.closest('#library-outline')) {
        delete window.netlawWantOutline;
        requestAnimationFrame(function () {
          const top = outline.getBoundingClientRect().top;
          if (top < 0 || top > window.innerHeight * 0.6) { outline.scrollIntoView({block: 'start'}); }
        });
      }
    }
  }
  for (const panel of panels) { requestAnimationFrame(function () { netlawFollowQuote(panel); }); }
}).observe(document.documentElement, {childList: true, subtree: true, characterData: true});

document.addEventListener('click', function (event) {
  const chip = event.target.closest('.cite-chip');
  const suggestion = event.target.closest('.suggestion-link');
  const copy = event.target.closest('.copy-answer');
  const comment = event.target.closest('.comment-send');
  const row = event.target.closest('.library-row');
  const outline = event.target.closest('.outline-link');
  const added = event.target.closest('.library-link');
  const version = event.target.closest('.other-version');
  const example = event.target.closest('#examples .example-question');
  if (example) {  // an example question (ui/chat.py examples_html) is asked as if typed
    event.preventDefault();
    netlawSend('question', 'ask', example.dataset.question);
    return;
  }
  if (version) {  // another version of the work in an outline
    event.preventDefault();
    window.netlawWantOutline = true;
    netlawLibrary('version:' + version.dataset.docId);
    return;
  }
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
    window.netlawWantOutline = true;  // the outline is brought into view when it opens
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

// The newest question and answer stay in view. The chat's own scrolling box (Gradio's .bubble-wrap,
// given a maximum height in netlaw.css) is scrolled so that a new question sits at its top while its
// answer streams in under it (to the end when all fits), and the page so that the chat box is on
// screen. Scrolling back (wheel, touch, keys) stops that; the "Newest answer" button (#chat-newest)
// shows whenever the newest question is out of view and brings it back.
const netlawChat = {rows: 0, pinned: null, until: 0};

function netlawChatScroller() { return document.querySelector('#chat .bubble-wrap'); }

function netlawUserRows() { return document.querySelectorAll('#chat .message-row.user-row'); }

function netlawChinese() {
  const chosen = document.querySelector('#ui-language input:checked');
  return Boolean(chosen && chosen.value === '中文');
}

function netlawShowNewest(row) {
  const box = netlawChatScroller();
  if (!box || !row) { return; }
  const offset = row.getBoundingClientRect().top - box.getBoundingClientRect().top;
  box.scrollTop = Math.min(box.scrollTop + offset - 6, box.scrollHeight - box.clientHeight);
  const rect = row.getBoundingClientRect();
  const chat = box.getBoundingClientRect();
  if (rect.top < 0 || rect.top > window.innerHeight - 120) {  // the chat box itself off screen: the page moves
    window.scrollBy(0, Math.max(chat.top, rect.top - (window.innerHeight * 0.45)) - 8);
  }
}

function netlawNewestButton() {
  const chat = document.querySelector('#chat');
  if (!chat) { return null; }
  let button = document.querySelector('#chat-newest');
  if (!button) {
    button = document.createElement('button');
    button.type = 'button';
    button.id = 'chat-newest';
    button.hidden = true;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      const rows = netlawUserRows();
      netlawShowNewest(rows[rows.length - 1]);
      netlawUpdateNewest();
    });
    chat.appendChild(button);
  }
  const label = netlawChinese() ? '↓ 最新回答' : '↓ Newest answer';
  if (button.textContent !== label) {
    button.textContent = label;
    button.title = netlawChinese() ? '回到最新的问题和回答' : 'Back to the newest question and answer';
  }
  return button;
}

// The button shows while the newest question is scrolled out of the chat box.
function netlawUpdateNewest() {
  const button = netlawNewestButton();
  const box = netlawChatScroller();
  const rows = netlawUserRows();
  if (!button) { return; }
  if (!box || rows.length === 0) { button.hidden = true; return; }
  const row = rows[rows.length - 1].getBoundingClientRect(), view = box.getBoundingClientRect();
  button.hidden = row.top >= view.top - 4 && row.top <= view.bottom - 40;
}

// A new question is followed until a moment after its answer is final: Gradio scrolls its box to the
// end 300 ms after an update, which would take a long answer's question out of view.
function netlawPinned() {
  const pin = netlawChat.pinned;
  if (!pin || !pin.isConnected || (netlawChat.until && Date.now() > netlawChat.until)) {
    netlawChat.pinned = null;
    return null;
  }
  return pin;
}

function netlawFollowChat() {
  const rows = netlawUserRows();
  if (rows.length > netlawChat.rows) {  // a new question
    netlawChat.pinned = rows[rows.length - 1];
    netlawChat.until = 0;
  }
  netlawChat.rows = rows.length;
  const pin = netlawPinned();
  if (pin) {
    netlawShowNewest(pin);
    const bots = document.querySelectorAll('#chat .message-row.bot-row');
    const last = bots[bots.length - 1];
    if (!netlawChat.until && last && last.querySelector('.answer, .refusal')) {
      netlawChat.until = Date.now() + 1500;  // the answer is final
    }
  }
  netlawUpdateNewest();
}

let netlawChatFrame = 0;
new MutationObserver(function (changes) {
  if (!changes.some(function (c) { return c.target.closest && c.target.closest('#chat .bubble-wrap, #chat'); })) {
    return;
  }
  if (changes.every(function (c) { return c.target.id === 'chat-newest'; })) { return; }
  cancelAnimationFrame(netlawChatFrame);
  netlawChatFrame = requestAnimationFrame(function () {
    netlawFollowChat();
    setTimeout(netlawFollowChat, 250);  // after Gradio's own scrolling of the new message
  });
}).observe(document.documentElement, {childList: true, subtree: true, characterData: true});

['wheel', 'touchmove', 'keydown'].forEach(function (kind) {
  document.addEventListener(kind, function (event) {
    if (event.target.closest && event.target.closest('#chat .bubble-wrap')) { netlawChat.pinned = null; }
  }, {passive: true, capture: true});
});
document.addEventListener('scroll', function (event) {
  const pin = netlawPinned();
  if (pin && event.target === netlawChatScroller()) { netlawShowNewest(pin); }  // Gradio's scroll to the end
  netlawUpdateNewest();
}, {passive: true, capture: true});
