// Larkspur Books, Steward's demo shop: the catalogue is catalogue.js (loaded just before this
// file) and the cart lives in this browser's localStorage, so every session starts with an empty
// cart and nothing leaves the page.
'use strict';

const CART_KEY = 'larkspur-cart';
const money = (amount) => `$${amount.toFixed(2)}`;
const byId = (id) => document.getElementById(id);

function readCart() {
  try {
    const items = JSON.parse(localStorage.getItem(CART_KEY) ?? '[]');
    return Array.isArray(items) ? items : [];
  } catch {
    return [];
  }
}

function writeCart(items) {
  localStorage.setItem(CART_KEY, JSON.stringify(items));
  showCartCount();
}

function showCartCount() {
  const count = readCart().reduce((sum, item) => sum + item.quantity, 0);
  for (const link of document.querySelectorAll('.cart-link')) link.textContent = `Cart (${count})`;
}

/** One of six cover colours, the same for a book every time. */
function coverClass(book) {
  let hash = 0;
  for (const char of book.id) hash = (hash * 31 + char.charCodeAt(0)) % 997;
  return `cover-${(hash % 6) + 1}`;
}

function stars(rating) {
  return `★ ${rating.toFixed(1)}`;
}

/** Every word of the query must appear in the title, the author or the genre. */
function matches(book, query) {
  const haystack = `${book.title} ${book.author} ${book.genre}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

const SORTS = {
  relevance: () => 0,
  rating: (a, b) => b.rating - a.rating || a.price - b.price,
  'price-asc': (a, b) => a.price - b.price,
  'price-desc': (a, b) => b.price - a.price,
};

function renderHome(catalogue) {
  const picks = [...catalogue.books].sort(SORTS.rating).slice(0, 3);
  const list = byId('picks');
  for (const book of picks) {
    const item = document.createElement('li');
    item.className = 'card';
    const cover = document.createElement('div');
    cover.className = `mini-cover ${coverClass(book)}`;
    cover.setAttribute('aria-hidden', 'true');
    const link = document.createElement('a');
    link.href = `/book.html?id=${encodeURIComponent(book.id)}`;
    link.textContent = book.title;
    const meta = document.createElement('p');
    meta.textContent = `${book.author} · ${stars(book.rating)} · ${money(book.price)}`;
    item.append(cover, link, meta);
    list.append(item);
  }
}

function renderSearch(catalogue) {
  const params = new URLSearchParams(location.search);
  const query = (params.get('q') ?? '').trim();
  byId('q').value = query;
  byId('results-title').textContent = query === '' ? 'All books' : `Results for “${query}”`;
  const sort = byId('sort');
  const maxPrice = byId('max-price');
  const render = () => {
    const limit = maxPrice.value === '' ? Infinity : Number(maxPrice.value);
    const found = catalogue.books.filter((book) => matches(book, query));
    const shown = found.filter((book) => book.price < limit).sort(SORTS[sort.value] ?? SORTS.relevance);
    const body = byId('results');
    body.replaceChildren();
    for (const book of shown) {
      const row = document.createElement('tr');
      const title = document.createElement('td');
      const link = document.createElement('a');
      link.href = `/book.html?id=${encodeURIComponent(book.id)}`;
      link.textContent = book.title;
      title.append(link);
      row.append(title);
      for (const text of [book.author, stars(book.rating), money(book.price)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      body.append(row);
    }
    const limitText = limit === Infinity ? '' : ` under ${money(limit).replace('.00', '')}`;
    byId('count').textContent = `${shown.length} of ${found.length} books${limitText}`;
    byId('empty').hidden = shown.length > 0;
  };
  sort.addEventListener('change', render);
  maxPrice.addEventListener('change', render);
  render();
}

function renderBook(catalogue) {
  const id = new URLSearchParams(location.search).get('id');
  const book = catalogue.books.find((b) => b.id === id);
  if (book === undefined) {
    byId('missing').hidden = false;
    return;
  }
  document.title = `${book.title} — Larkspur Books`;
  byId('title').textContent = book.title;
  byId('cover-title').textContent = book.title;
  byId('cover').classList.add(coverClass(book));
  byId('author').textContent = book.author;
  byId('price').textContent = money(book.price);
  byId('rating').textContent = `${stars(book.rating)} out of 5`;
  byId('format').textContent = book.format;
  byId('pages').textContent = String(book.pages);
  byId('year').textContent = String(book.year);
  byId('blurb').textContent = book.blurb;
  byId('book').hidden = false;
  byId('add').addEventListener('click', () => {
    const items = readCart();
    const line = items.find((item) => item.id === book.id);
    if (line) line.quantity += 1;
    else items.push({ id: book.id, quantity: 1 });
    writeCart(items);
    const added = byId('added');
    added.replaceChildren(`Added “${book.title}” to your cart. `);
    const go = document.createElement('a');
    go.href = '/cart.html';
    go.textContent = 'Go to cart';
    added.append(go);
    added.hidden = false;
  });
}

function renderCart(catalogue) {
  const lines = readCart().flatMap((item) => {
    const book = catalogue.books.find((b) => b.id === item.id);
    return book === undefined ? [] : [{ book, quantity: item.quantity }];
  });
  const body = byId('lines');
  for (const { book, quantity } of lines) {
    const row = document.createElement('tr');
    for (const text of [book.title, String(quantity), money(book.price * quantity)]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    body.append(row);
  }
  byId('empty').hidden = lines.length > 0;
  const delivery = byId('delivery');
  for (const option of catalogue.delivery) {
    const element = document.createElement('option');
    element.value = option.id;
    element.textContent = `${option.label} — ${option.price === 0 ? 'free' : money(option.price)}`;
    delivery.append(element);
  }
  const subtotal = lines.reduce((sum, { book, quantity }) => sum + book.price * quantity, 0);
  const showTotals = () => {
    const chosen = catalogue.delivery.find((option) => option.id === delivery.value);
    byId('subtotal').textContent = money(subtotal);
    byId('delivery-cost').textContent = chosen === undefined ? 'Choose an option' : chosen.price === 0 ? 'Free' : money(chosen.price);
    byId('total').textContent = money(subtotal + (chosen?.price ?? 0));
  };
  delivery.addEventListener('change', showTotals);
  showTotals();
  byId('checkout').addEventListener('submit', (event) => {
    event.preventDefault();
    const note = byId('order-note');
    note.textContent = 'This is a demo shop: no order was placed and nothing was sent.';
    note.hidden = false;
  });
}

const PAGES = { home: renderHome, search: renderSearch, book: renderBook, cart: renderCart };

// Deferred scripts run before DOMContentLoaded: the page is complete by its load event.
showCartCount();
PAGES[document.body.dataset.page]?.(globalThis.LARKSPUR_CATALOGUE);
