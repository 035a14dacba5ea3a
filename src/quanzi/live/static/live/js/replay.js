/* The replay page: plays an HLS recording through hls.js where the browser needs it, and replays the
   chat in time order. With the recording, lines follow the video's clock; without it, they come back
   one by one at the pace they were written (at most 2 s apart). */
(function () {
  "use strict";

  function startHls() {
    var v = document.querySelector("[data-replay-url]");
    if (!v || v.dataset.replayUrl.indexOf(".m3u8") === -1) return;
    if (window.Hls && window.Hls.isSupported()) {
      var h = new window.Hls();
      h.loadSource(v.dataset.replayUrl);
      h.attachMedia(v);
    } else {
      v.src = v.dataset.replayUrl;
    }
  }

  function wireChatReplay() {
    var btn = document.querySelector("[data-replay-chat]"), list = document.querySelector("[data-testid=live-chat-replay]");
    if (!btn || !list) return;
    var lines = Array.prototype.slice.call(list.children), video = document.querySelector("video.live-player");
    var show = function (t) { lines.forEach(function (li) { li.hidden = parseInt(li.dataset.offset, 10) > t; }); };
    btn.addEventListener("click", function () {
      if (video && video.currentSrc) {
        video.currentTime = 0; video.play(); show(0);
        video.addEventListener("timeupdate", function () { show(video.currentTime); });
        return;
      }
      show(-1);
      var i = 0;
      (function next() {
        if (i >= lines.length) return;
        lines[i].hidden = false; list.scrollTop = list.scrollHeight;
        var gap = i + 1 < lines.length ? (lines[i + 1].dataset.offset - lines[i].dataset.offset) * 1000 : 0;
        i += 1; setTimeout(next, Math.min(2000, Math.max(150, gap)));
      })();
    });
  }

  startHls();
  wireChatReplay();
})();
