/* Live room client: one WebSocket per page, numbered events, reconnect with what was missed.
 * window.QuanziLive.on(kind, fn) lets other scripts (livesales' panels) react to event kinds:
 * fn(data, event). window.QuanziLive.room = the room number; QuanziLive.shelf(open) opens or closes the
 * products sheet. Protocol: docs/live.md. Words come from Django's JavaScript catalog (gettext()). */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-room]");
  var handlers = {};
  var Q = window.QuanziLive = window.QuanziLive || {};
  Q.on = function (kind, fn) { (handlers[kind] = handlers[kind] || []).push(fn); };
  if (!root) return;
  Q.room = root.dataset.number;
  Q.status = root.dataset.status;
  Q.lastSeq = null;  // highest contiguous sequence number handled
  var seen = {};     // numbers handled above lastSeq (out-of-order arrivals)
  var isConsole = root.hasAttribute("data-live-console");
  var ws = null, retry = 0, stopped = false;
  var $ = function (sel) { return root.querySelector(sel); };
  var chat = $("[data-live-chat]"), errorBox = $("[data-live-error]"), toast = $("[data-live-toast]");

  function emit(kind, data, ev) {
    (handlers[kind] || []).concat(handlers["*"] || []).forEach(function (fn) {
      try { fn(data, ev); } catch (e) { if (window.console) console.error(e); }
    });
  }

  function handle(ev) {
    if (ev.seq !== null && ev.seq !== undefined) {
      if (Q.lastSeq !== null && (ev.seq <= Q.lastSeq || seen[ev.seq])) return;  // already handled
      seen[ev.seq] = true;
      while (Q.lastSeq !== null && seen[Q.lastSeq + 1]) { delete seen[Q.lastSeq + 1]; Q.lastSeq += 1; }
      if (Q.lastSeq === null) Q.lastSeq = ev.seq;
    }
    emit(ev.kind, ev.data || {}, ev);
  }

  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text; errorBox.hidden = false;
    clearTimeout(showError.t); showError.t = setTimeout(function () { errorBox.hidden = true; }, 4000);
  }

  function showToast(text) {
    if (!toast) return;
    toast.textContent = text; toast.hidden = false;
    clearTimeout(showToast.t); showToast.t = setTimeout(function () { toast.hidden = true; }, 2500);
  }

  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var base = root.dataset.wsUrl || (proto + location.host);  // LIVE_WS_URL: WebSockets served elsewhere
    ws = new WebSocket(base.replace(/\/$/, "") + "/ws/live/" + Q.room + "/");
    Q.socket = ws;
    ws.onopen = function () { retry = 0; ws.send(JSON.stringify({type: "hello", last_seq: Q.lastSeq})); };
    ws.onmessage = function (m) {
      var f; try { f = JSON.parse(m.data); } catch (e) { return; }
      if (f.type === "welcome") {
        Q.status = f.room.status; Q.user = f.user; root.dataset.status = f.room.status;
        root.dataset.connected = "1";
        var fresh = Q.lastSeq === null;
        if (fresh) { Q.lastSeq = f.last_seq; if (chat) chat.innerHTML = ""; }
        (f.missed || []).forEach(function (ev) {
          if (fresh) { emit(ev.kind, ev.data || {}, ev); } else { handle(ev); }
        });
        if (fresh) Q.lastSeq = f.last_seq;
        (f.deleted || []).forEach(function (s) { emit("message_deleted", {seq: s}, {}); });
        setText("[data-live-viewers]", f.viewers);
        setText("[data-live-likes]", f.room.likes);
        if (f.room.pinned) emit("pinned", {product: f.room.pinned}, {}); else emit("unpinned", {}, {});
        applyStatus(f.room.status, f.room.play_url);
        emit("welcome", f, f);
      } else if (f.type === "batch") {
        f.events.forEach(handle);
      } else if (f.type === "event") {
        handle(f);
      } else if (f.type === "error") {
        showError(f.message); emit("error", f, f);
      } else if (f.type === "notice") {
        if (f.code === "muted") showError(gettext("The host muted you in this room."));
        emit("notice", f, f);
      } else if (f.type === "ack") {
        emit("ack", f, f);
      }
    };
    ws.onclose = function (e) {
      root.dataset.connected = "0";
      if (e.code === 4403) { stopped = true; showError(gettext("You were removed from this room.")); return; }
      if (e.code === 4404 || stopped) return;
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 300 * Math.pow(2, retry - 1));
    };
  }

  function setText(sel, value) { var el = $(sel); if (el && value !== undefined && value !== null) el.textContent = value; }

  function applyStatus(status, playUrl) {
    var badge = $("[data-live-status]");
    if (status === "live" && badge) badge.textContent = "● " + gettext("LIVE");
    var waiting = $("[data-live-waiting]"); if (waiting && status !== "scheduled") waiting.hidden = true;
    if (status === "ended") { var ended = $("[data-live-ended]"); if (ended) ended.hidden = false; }
    play(status === "live" ? playUrl : "");
  }

  function play(url) {
    var video = $("video.live-player"); if (!video) return;
    if (!url) { video.hidden = true; return; }
    video.hidden = false;
    if (video.dataset.src === url) return;
    video.dataset.src = url;
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({lowLatencyMode: true}); hls.loadSource(url); hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) { video.src = url; }
  }

  // ---- default renderers
  function chatLine(data, ev) {
    if (!chat) return;
    var li = document.createElement("li");
    if (ev && ev.seq) li.dataset.seq = ev.seq;
    if (data.user_id) li.dataset.userId = data.user_id;
    var b = document.createElement("b"); b.textContent = data.nickname || "";
    li.appendChild(b); li.appendChild(document.createTextNode(" " + (data.text || "")));
    if (isConsole && data.user_id && (!Q.user || data.user_id !== Q.user.id)) {
      [["delete", "🗑", gettext("Delete this message")], ["mute", "🔇", gettext("Mute this viewer")],
       ["ban", "⛔", gettext("Remove this viewer from the room")]].forEach(function (a) {
        var btn = document.createElement("button"); btn.type = "button"; btn.className = "live-mod";
        var label = a[2];
        btn.dataset.mod = a[0]; btn.textContent = a[1]; btn.title = label; btn.setAttribute("aria-label", label);
        btn.setAttribute("data-testid", "live-mod-" + a[0]);
        li.appendChild(btn);
      });
    }
    chat.appendChild(li);
    while (chat.children.length > 200) chat.removeChild(chat.firstChild);
    chat.scrollTop = chat.scrollHeight;
  }
  Q.on("chat", chatLine);
  Q.on("message_deleted", function (d) {
    var li = chat && chat.querySelector('[data-seq="' + d.seq + '"]'); if (li) li.remove();
  });
  Q.on("viewers", function (d) { setText("[data-live-viewers]", d.count); });
  Q.on("likes", function (d) { setText("[data-live-likes]", d.total); });
  Q.on("joined", function (d) {
    if (d.nicknames && d.nicknames.length) {
      showToast(interpolate(gettext("%(names)s joined"), {names: d.nicknames.join(gettext(", "))}, true));
    }
  });
  function el(tag, cls, text) {
    var node = document.createElement(tag); if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  Q.on("pinned", function (d) {
    var box = $("[data-live-pinned]"); if (!box || !d.product) return;
    var current = box.querySelector("[data-product-id]");
    if (current && current.dataset.productId === String(d.product.id)) { box.hidden = false; return; }  // already shown
    box.innerHTML = "";
    var card = el("div", "live-pinned-card");
    card.setAttribute("data-testid", "live-pinned-card"); card.dataset.productId = d.product.id;
    var link = el("a", "live-pinned-link"); link.href = d.product.url;
    if (d.product.image) {
      var img = el("img"); img.src = d.product.image; img.alt = ""; img.width = 56; img.height = 56; link.appendChild(img);
    } else {
      var ph = el("span", "live-pinned-ph", "🛍"); ph.setAttribute("aria-hidden", "true"); link.appendChild(ph);
    }
    var body = el("span", "live-pinned-body");
    body.appendChild(el("b", "", d.product.title));
    body.appendChild(el("span", "price", "¥" + (d.product.price / 100).toFixed(2)));
    link.appendChild(body); card.appendChild(link);
    var buy = el("a", "live-pinned-buy", gettext("Buy")); buy.href = d.product.url;
    buy.dataset.liveBuy = d.product.id; buy.setAttribute("data-testid", "live-pinned-buy");
    card.appendChild(buy);
    box.appendChild(card); box.hidden = false;
  });
  Q.on("unpinned", function () { var box = $("[data-live-pinned]"); if (box) { box.hidden = true; box.innerHTML = ""; } });
  Q.on("room_started", function (d) { Q.status = "live"; root.dataset.status = "live"; applyStatus("live", d.play_url); });
  Q.on("stream", function (d) { play(d.play_url); });
  Q.on("room_ended", function () { Q.status = "ended"; root.dataset.status = "ended"; applyStatus("ended", ""); });
  Q.on("moderation", function (d) {
    if (Q.user && d.user_id === Q.user.id && d.action === "mute") showError(gettext("The host muted you in this room."));
  });

  // ---- chat form
  var form = $("[data-live-chat-form]");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    var input = form.querySelector("input[name=text]");
    if (!input || !input.value.trim() || !ws || ws.readyState !== 1) return;
    ws.send(JSON.stringify({type: "chat", text: input.value}));
    input.value = "";
  });

  // ---- likes: a floating heart per tap (none when the visitor asked for less motion), taps sent
  // together at most every 300 ms
  var likeBtn = $("[data-live-like]"), pendingLikes = 0, likeTimer = null;
  var hearts = $("[data-live-hearts]") || (likeBtn && likeBtn.parentNode);
  var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
  if (likeBtn) likeBtn.addEventListener("click", function () {
    if (hearts && !(calm && calm.matches)) {
      var heart = el("span", "live-heart", "❤");
      heart.style.left = Math.round(Math.random() * 24) + "px";  // a CSSOM property, not a style attribute
      hearts.appendChild(heart); setTimeout(function () { heart.remove(); }, 1200);
    }
    if (root.dataset.signedIn !== "1") { showError(gettext("Log in to like and chat.")); return; }
    pendingLikes += 1;
    if (!likeTimer) likeTimer = setTimeout(function () {
      likeTimer = null;
      if (ws && ws.readyState === 1 && pendingLikes) ws.send(JSON.stringify({type: "like", count: Math.min(pendingLikes, 50)}));
      pendingLikes = 0;
    }, 300);
  });

  // ---- the products sheet (a phone's bag button; on a wide screen the list is always beside the stage)
  var shelfToggle = $("[data-live-shelf-toggle]"), shelf = $("[data-live-shelf]");
  var scrim = root.querySelector(".live-shelf-scrim");
  Q.shelf = function (open) {
    if (!shelf) return;
    var was = shelf.classList.contains("is-open");
    shelf.classList.toggle("is-open", open);
    if (scrim) scrim.hidden = !open;
    if (shelfToggle) shelfToggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open && !was) { var first = shelf.querySelector("a, button"); if (first) first.focus({preventScroll: true}); }
    if (!open && was && shelfToggle && shelf.contains(document.activeElement)) shelfToggle.focus();
  };
  if (shelfToggle && shelf) shelfToggle.addEventListener("click", function () { Q.shelf(!shelf.classList.contains("is-open")); });
  root.addEventListener("click", function (e) { if (e.target.closest("[data-live-shelf-close]")) Q.shelf(false); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && shelf && shelf.classList.contains("is-open")) Q.shelf(false);
  });

  // ---- share: the phone's share sheet where there is one, else the link is copied (quanzi.js, data-copy)
  var share = $("[data-live-share]");
  if (share && navigator.share) share.addEventListener("click", function (e) {
    e.stopPropagation(); e.preventDefault();
    navigator.share({title: share.dataset.shareTitle || document.title, url: share.dataset.copy}).catch(function () {});
  });

  setInterval(function () { if (ws && ws.readyState === 1) ws.send('{"type":"ping"}'); }, 25000);
  connect();
})();
