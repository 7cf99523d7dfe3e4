// The demo board: cards with a text and a vote count, shared live between every window.
// It uses only the public client API of /querysub.js.
//
// Data: /demo/boards/<board>/cards/<id>/text (a string) and .../votes (a number).
// One subtree watch on .../cards feeds the whole page. A signed-in person also has private notes
// at /demo/private/<name>/notes/<id>, which the node's rules let no one else read.
import { connect, child, keyOf } from '../querysub.js';

const params = new URLSearchParams(location.search);
const board = params.get('board') || 'main';
const cardsPath = child(child('/demo/boards', board), 'cards');

// Sign-in: the name is kept per browser tab (sessionStorage), or given as ?user=NAME. The token
// comes from the node's development sign-in (any name; a real app asks its identity provider).
const USER_KEY = 'querysub-demo-user';
if (params.has('user')) sessionStorage.setItem(USER_KEY, params.get('user'));
const user = sessionStorage.getItem(USER_KEY) || null;

async function token() {
  if (!user) return undefined;
  const r = await fetch(new URL('../api/v1/auth/dev-sign-in', import.meta.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: user }),
  });
  if (!r.ok) throw new Error(`sign-in refused (${r.status}): ${(await r.json()).message}`);
  return (await r.json()).token;
}

// ?sync=ws://host:port/sync connects elsewhere than this page's own node.
const client = connect(params.get('sync') || undefined, { clientId: 'board', token });

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

// Who this tab is: the node's word (welcome.caller), not the name typed.
client.onState((s) => {
  if (s === 'open') $('#who').textContent = client.caller.anonymous ? 'not signed in' : `signed in as ${client.caller.id}`;
});
$('#user').hidden = !!user;
$('#signin-button').hidden = !!user;
$('#signout').hidden = !user;
$('#signin').onsubmit = (e) => {
  e.preventDefault();
  const name = $('#user').value.trim();
  if (!name) return;
  sessionStorage.setItem(USER_KEY, name);
  location.search = withoutUser();
};
$('#signout').onclick = () => {
  sessionStorage.removeItem(USER_KEY);
  location.search = withoutUser();
};
function withoutUser() {
  const p = new URLSearchParams(location.search);
  p.delete('user');
  return p.toString();
}

// Private notes: only the signed-in person's own, watched as one subtree.
if (user) {
  $('#private').hidden = false;
  const notesRoot = child(child('/demo/private', user), 'notes');
  client.subtree(notesRoot, (view) => {
    const list = $('#notes');
    list.replaceChildren(
      ...view.entries
        .filter((e) => e.exists)
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((e) => {
          const li = document.createElement('li');
          li.className = 'private-note' + (e.pending ? ' pending-value' : '');
          li.textContent = e.value?.text ?? '';
          return li;
        }),
    );
  });
  $('#add-note').onsubmit = (e) => {
    e.preventDefault();
    const text = $('#note-text').value.trim();
    $('#note-text').value = '';
    const id = Date.now().toString(36).padStart(9, '0') + Math.random().toString(36).slice(2, 6);
    client
      .transaction((tx) => tx.set(child(notesRoot, id), { text }))
      .catch((err) => notice(`Note not saved: ${describe(err)}`));
  };
}

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

// Adding a card and voting are server functions (io.querysub.web.demo.Board). Each has a
// predictor: the window shows the expected result at once (grey, pending), then the real one. A
// call the node refuses (a text over 40 characters, a vote on a card deleted meanwhile) is rolled
// back, together with anything this window did on top of its prediction.
client.predict('board.add', (p, a) => {
  p.set(cardPath(a.card, 'text'), a.text);
  p.set(cardPath(a.card, 'votes'), 0);
});
client.predict('board.vote', (p, a) => {
  if (p.get(cardPath(a.card, 'text')) === undefined) return; // no card here: predict nothing
  p.set(cardPath(a.card, 'votes'), (p.get(cardPath(a.card, 'votes')) ?? 0) + 1);
});

$('#add').onsubmit = (e) => {
  e.preventDefault();
  const text = $('#new-text').value.trim();
  $('#new-text').value = '';
  const card = Date.now().toString(36).padStart(9, '0') + Math.random().toString(36).slice(2, 6);
  client.call('board.add', { board, card, text }).catch((err) => notice(`Card not added: ${describe(err)}`));
};

// Two windows voting at once conflict on the server; the function runs again with the new count,
// so no vote is lost.
function vote(id) {
  client.call('board.vote', { board, card: id }).catch((err) => notice(`Vote not counted: ${describe(err)}`));
}

/** A call's failure in words: the bad fields of INVALID_ARGUMENT, else the message. */
function describe(err) {
  if (err.fields?.length) return err.fields.map((f) => `${f.field} ${f.message}`).join('; ');
  return err.message;
}

/** A page-level note, one line per refusal, until a click on it clears them. */
function notice(text) {
  const n = $('#notice');
  const line = document.createElement('div');
  line.textContent = text;
  n.append(line);
  n.hidden = false;
  n.onclick = () => {
    n.replaceChildren();
    n.hidden = true;
  };
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
