// A click on a citation chip fills a hidden textbox with "answer:marker" and presses a hidden
// button; ChatPage.open_source (ui/chat.py) answers with the article for the source viewer.
document.addEventListener('click', function (event) {
  const chip = event.target.closest('.cite-chip');
  if (!chip) return;
  event.preventDefault();
  const box = document.querySelector('#chip-target textarea');
  box.value = chip.dataset.answer + ':' + chip.dataset.marker;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(function () { document.querySelector('#chip-open').click(); }, 50);
});
