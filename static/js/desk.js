// The registration desk. Every scan goes into a queue kept in localStorage first and
// leaves it only once the server has answered, so a dropped connection loses nothing:
// the scan keeps its nonce (sent twice, it is recorded once) and the time it was made
// (which decides late or on time, not the time it reached the server).
(function () {
  "use strict";

  const form = document.getElementById("scan-form");
  const badgeField = document.getElementById("badge");
  const sessionField = document.getElementById("session_id");
  const result = document.getElementById("scan-result");
  const banner = document.getElementById("offline-banner");
  const queueLength = document.getElementById("queue-length");
  const queueLog = document.getElementById("queue-log");
  const queueKey = form.dataset.queueKey;
  const RETRY_MS = 5000;
  const LOG_SIZE = 20;
  let latestNonce = null;
  let sending = false;

  function loadQueue() {
    try {
      return JSON.parse(localStorage.getItem(queueKey)) || [];
    } catch (error) {
      return [];
    }
  }

  function saveQueue(queue) {
    localStorage.setItem(queueKey, JSON.stringify(queue));
    queueLength.textContent = String(queue.length);
  }

  // crypto.randomUUID needs HTTPS; desks on a hotel LAN often run on plain HTTP.
  function newNonce() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // This browser is a scanner of its own: its nonces are its own, whatever another desk's
  // are. One id per browser, kept across reloads.
  const DEVICE_KEY = "bimtek.desk.device";
  const deviceId = localStorage.getItem(DEVICE_KEY) || newNonce();
  localStorage.setItem(DEVICE_KEY, deviceId);

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function showOffline(offline) {
    banner.classList.toggle("d-none", !offline);
  }

  function showQueued(scan) {
    const notice = fromTemplate("queued-result");
    notice.querySelector("[data-badge]").textContent = scan.badge;
    result.replaceChildren(notice);
  }

  function logSent(html) {
    document.getElementById("queue-log-empty")?.remove();
    const entry = document.createElement("div");
    entry.className = "small";
    entry.innerHTML = html;
    entry.querySelectorAll(".fs-4").forEach((node) => node.classList.replace("fs-4", "py-1"));
    queueLog.prepend(entry);
    while (queueLog.children.length > LOG_SIZE) queueLog.lastElementChild.remove();
  }

  function body(scan) {
    const data = new FormData();
    data.append("csrf_token", form.elements.csrf_token.value);
    data.append("badge", scan.badge);
    data.append("nonce", scan.nonce);
    data.append("device", deviceId);
    data.append("session_id", scan.sessionId);
    data.append("scanned_at", scan.scannedAt);
    data.append("sent_at", new Date().toISOString());
    return data;
  }

  // Sends the queue in scan order; stops at the first scan that could not be delivered.
  async function sendQueue() {
    if (sending) return;
    sending = true;
    try {
      for (let queue = loadQueue(); queue.length; queue = loadQueue()) {
        const scan = queue[0];
        let response;
        try {
          response = await fetch(form.action, {method: "POST", body: body(scan),
                                               credentials: "same-origin"});
        } catch (error) {
          showOffline(true);
          if (scan.nonce === latestNonce) showQueued(scan);
          return;
        }
        showOffline(false);
        if (response.redirected || response.status === 400 || response.status === 403) {
          result.replaceChildren(fromTemplate("login-again"));
          return;
        }
        if (!response.ok) return;  // the server failed: try again later
        const html = await response.text();
        saveQueue(loadQueue().filter((queued) => queued.nonce !== scan.nonce));
        if (scan.nonce === latestNonce) {
          result.innerHTML = html;
        } else {
          logSent(html);
        }
        // The count and any search results follow (htmx listens for this).
        document.body.dispatchEvent(new Event("scanned"));
      }
    } finally {
      sending = false;
    }
  }

  function submitBadge(badge) {
    badge = badge.trim();
    if (!badge) return;
    const scan = {badge: badge, nonce: newNonce(), sessionId: sessionField.value,
                  scannedAt: new Date().toISOString()};
    latestNonce = scan.nonce;
    saveQueue(loadQueue().concat([scan]));
    if (!navigator.onLine) {
      showOffline(true);
      showQueued(scan);
    }
    sendQueue();
  }

  // The session the officer chose stays chosen on this device, across reloads, until they
  // choose another; a session no longer offered (another day) falls back to "now".
  const sessionKey = queueKey + ".session";
  const remembered = localStorage.getItem(sessionKey);
  if (remembered && Array.from(sessionField.options).some((o) => o.value === remembered)) {
    sessionField.value = remembered;
    sessionField.dispatchEvent(new Event("change"));
  }
  sessionField.addEventListener("change", () => localStorage.setItem(sessionKey, sessionField.value));

  // One tap on a search result checks that person in, through the same queue as a scan.
  document.getElementById("search-results").addEventListener("click", (event) => {
    const button = event.target.closest("[data-check-in]");
    if (!button) return;
    button.disabled = true;
    submitBadge(button.dataset.checkIn);
    badgeField.focus();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitBadge(badgeField.value);
    badgeField.value = "";
    badgeField.focus();
  });
  window.addEventListener("online", sendQueue);
  window.addEventListener("offline", () => showOffline(true));
  setInterval(sendQueue, RETRY_MS);
  saveQueue(loadQueue());
  showOffline(!navigator.onLine);
  sendQueue();

  // --- camera scanner --------------------------------------------------------------
  const cameraButton = document.getElementById("camera-toggle");
  const cameraBox = document.getElementById("camera");
  const video = document.getElementById("camera-video");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", {willReadFrequently: true});
  const SAME_BADGE_PAUSE_MS = 3000;
  let stream = null;
  let lastBadge = null;
  let lastBadgeAt = 0;

  function decodeFrame() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(image.data, image.width, image.height, {inversionAttempts: "dontInvert"});
      const now = Date.now();
      // The badge stays in view for a moment: one scan per badge, not one per frame.
      if (code && code.data && (code.data !== lastBadge || now - lastBadgeAt > SAME_BADGE_PAUSE_MS)) {
        lastBadge = code.data;
        lastBadgeAt = now;
        submitBadge(code.data);
      }
    }
    requestAnimationFrame(decodeFrame);
  }

  function stopCamera() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    cameraBox.classList.add("d-none");
    cameraButton.textContent = cameraButton.dataset.start;
  }

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    } catch (error) {
      result.replaceChildren(fromTemplate("camera-unavailable"));
      return;
    }
    video.srcObject = stream;
    await video.play();
    cameraBox.classList.remove("d-none");
    cameraButton.textContent = cameraButton.dataset.stop;
    requestAnimationFrame(decodeFrame);
  }

  cameraButton.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
})();
