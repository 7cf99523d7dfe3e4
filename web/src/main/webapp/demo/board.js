// The demo board: cards with a text and a vote count, shared live between every window.
// It uses only the public client API of /querysub.js.
//
// Data: /demo/boards/<board>/cards/<id>/text (a string) and .../votes (a number).
// One subtree watch on .../cards feeds the whole page.
import { connect, child, keyOf } from '../querysub.js';

const params = new URLSearchParams(location.search);
const board = params.get('board') || 'main';
const cardsPath = child(child('/demo/boards', board), 'cards');
// ?sync=ws://host:port/sync connects elsewhere than this page's own node.
const client = connect(params.get('sync') || undefined, { clientId: 'board' });

const $ = (sel, root = document) => root.querySelector(sel);
$('#board-name').textContent = board;

// The connection state, always visible.
const showState = (s) => {
  $('#state').textContent = s;
  $('#state').className = 'state state-' + s;
};
showState(client.state);
client.onState(showState);
client.onError((e) => console.error('querysub:', e.code, e.message));

// Rendering: one <li> per card, kept across updates so an open editor survives them.
const items = new Map(); // card id -> <li>

client.subtree(cardsPath, (view) => {
  const cards = new Map(); // id -> {text, votes, pending}
  for (const e of view.entries) {
    const rest = e.path.slice(cardsPath.length + 1).split('/');
    if (rest.length !== 2) continue;
    const id = keyOf('/' + rest[0]);
    const card = cards.get(id) ?? { text: '', votes: 0, pending: {} };
    card[rest[1]] = e.value;
    card.pending[rest[1]] = e.pending;
    cards.set(id, card);
  }
  for (const [id, li] of items) {
    if (!cards.has(id)) {
      li.remove();
      items.delete(id);
    }
  }
  for (const id of [...cards.keys()].sort()) {
    const card = cards.get(id);
    let li = items.get(id);
    if (!li) {
      li = newItem(id);
      items.set(id, li);
    }
    $('#cards').append(li); // keeps them in id (creation) order
    $('.text', li).textContent = card.text;
    $('.votes', li).textContent = String(card.votes ?? 0);
    // Values this window wrote and the node has not confirmed yet are shown in grey.
    $('.text', li).classList.toggle('pending-value', !!card.pending.text);
    $('.votes', li).classList.toggle('pending-value', !!card.pending.votes);
    li.classList.toggle('pending', !!(card.pending.text || card.pending.votes));
  }
  $('#empty').hidden = cards.size > 0;
});

function cardPath(id, field) {
  return child(child(cardsPath, id), field);
}

function newItem(id) {
  const li = document.createElement('li');
  li.className = 'card';
  li.dataset.id = id;
  li.innerHTML = `<span class="text"></span><span class="votes" title="votes"></span>
    <button class="vote" title="vote">+1</button><button class="edit">Edit</button>
    <button class="delete" title="delete">✕</button><p class="note" hidden></p>`;
  $('.vote', li).onclick = () => vote(id);
  $('.edit', li).onclick = () => edit(id, li);
  $('.delete', li).onclick = () => remove(id);
  return li;
}

// Adding a card: two writes in one transaction, shown at once (pending) in this window.
$('#add').onsubmit = (e) => {
  e.preventDefault();
  const text = $('#new-text').value.trim();
  $('#new-text').value = '';
  const id = Date.now().toString(36).padStart(9, '0') + Math.random().toString(36).slice(2, 6);
  client
    .transaction((tx) => {
      tx.set(cardPath(id, 'text'), text);
      tx.set(cardPath(id, 'votes'), 0);
    })
    .catch(report);
};

// A vote reads the count (from the watch's cache: no round trip) and writes it plus one. Two
// windows voting at once conflict; the loser runs again with the new count, so no vote is lost.
function vote(id) {
  client
    .transaction(async (tx) => {
      const votes = (await tx.get(cardPath(id, 'votes'))) ?? 0;
      tx.set(cardPath(id, 'votes'), votes + 1);
    })
    .catch(report);
}

function remove(id) {
  client
    .transaction((tx) => {
      tx.delete(cardPath(id, 'text'));
      tx.delete(cardPath(id, 'votes'));
    })
    .catch(report);
}

// Editing holds the transaction open while the user types: the read of the text is its lock.
// If another window saves the text first, the commit is rejected; with no retries the edit is
// rolled back (the text returns to the saved one) and the card says so.
function edit(id, li) {
  if ($('.edit-text', li)) return;
  const note = $('.note', li);
  note.hidden = true;
  li.classList.remove('rejected');
  client
    .transaction(
      async (tx) => {
        const text = await tx.get(cardPath(id, 'text'));
        const edited = await askText(li, text);
        if (edited !== null && edited !== text) tx.set(cardPath(id, 'text'), edited);
      },
      { maxRetries: 0 },
    )
    .catch((e) => {
      if (e.code !== 'CONFLICT') return report(e);
      note.textContent = 'Not saved: someone changed this card while you were editing. Your edit was rolled back.';
      note.hidden = false;
      li.classList.remove('rejected');
      void li.offsetWidth; // restart the flash
      li.classList.add('rejected');
    });
}

/** Shows an input in place of the text; resolves with the new text, or null when cancelled. */
function askText(li, text) {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.className = 'edit-text';
    input.value = text ?? '';
    const save = document.createElement('button');
    save.className = 'save';
    save.textContent = 'Save';
    const cancel = document.createElement('button');
    cancel.className = 'cancel';
    cancel.textContent = 'Cancel';
    const shown = $('.text', li);
    shown.hidden = true;
    shown.after(input, save, cancel);
    input.focus();
    const done = (value) => {
      input.remove();
      save.remove();
      cancel.remove();
      shown.hidden = false;
      resolve(value);
    };
    save.onclick = () => done(input.value.trim());
    cancel.onclick = () => done(null);
    input.onkeydown = (e) => {
      if (e.key === 'Enter') done(input.value.trim());
      if (e.key === 'Escape') done(null);
    };
  });
}

function report(e) {
  console.error('querysub:', e.code, e.message);
  alert(`${e.code}: ${e.message}`);
}
