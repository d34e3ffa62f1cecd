// The agenda builder's timetable (templates/courses/_builder_agenda.html): dragging a
// session moves it to another room or time, dragging its lower edge changes its end, and
// the keyboard does the same. Every change is sent to the same move and resize addresses
// as the forms, so the server checks it and answers with the refreshed builder.
"use strict";

(() => {
  const STEP = 15; // minutes, one row of the grid
  let refocus = null; // the session to focus again once the builder is swapped in

  const minutes = (text) => {
    const [hours, mins] = text.split(":").map(Number);
    return hours * 60 + mins;
  };
  const clock = (total) =>
    `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch {
      return "";
    }
  }

  function send(session, url, values) {
    refocus = session.dataset.sessionId;
    htmx.ajax("POST", url, {
      target: "#agenda", swap: "outerHTML", values,
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  function move(session, start, room) {
    const id = session.dataset.sessionId;
    const day = session.closest("[data-timetable]").dataset.day;
    if (start < 0 || start + minutes(session.dataset.end) - minutes(session.dataset.start) >= 24 * 60) return;
    send(session, session.dataset.moveUrl, {
      [`m${id}-day`]: day, [`m${id}-starts_at`]: clock(start), [`m${id}-room_id`]: room,
    });
  }

  function resize(session, end) {
    if (end <= minutes(session.dataset.start) || end >= 24 * 60) return;
    send(session, session.dataset.resizeUrl, { [`r${session.dataset.sessionId}-ends_at`]: clock(end) });
  }

  // The empty slot under a point of the page: its room and start.
  function slotAt(x, y) {
    return document.elementsFromPoint(x, y).find((element) => element.matches("[data-slot]"));
  }

  function rooms(session) {
    return [...session.closest("[data-timetable]").querySelectorAll("[data-room-column]")]
      .map((header) => header.dataset.roomColumn);
  }

  function reset(session) {
    session.classList.remove("tt-dragging");
    session.style.transform = "";
    session.style.height = "";
    delete session.dataset.dx;
    delete session.dataset.dy;
  }

  // A finger on a touch screen scrolls the page instead (timetable.css).
  const dragging = window.interact && !window.matchMedia("(pointer: coarse)").matches;
  if (dragging) {
    interact(".tt-session")
      .draggable({
        ignoreFrom: ".conflict, .tt-resize",
        listeners: {
          start(event) { event.target.classList.add("tt-dragging"); },
          move(event) {
            const session = event.target;
            const dx = (Number(session.dataset.dx) || 0) + event.dx;
            const dy = (Number(session.dataset.dy) || 0) + event.dy;
            Object.assign(session.dataset, { dx, dy });
            session.style.transform = `translate(${dx}px, ${dy}px)`;
          },
          end(event) {
            const session = event.target;
            const box = session.getBoundingClientRect();
            const slot = slotAt(box.left + Math.min(box.width / 2, 40), box.top + 4);
            reset(session);
            if (!slot) return;
            if (slot.dataset.room === session.dataset.room && slot.dataset.start === session.dataset.start) return;
            move(session, minutes(slot.dataset.start), slot.dataset.room);
          },
        },
      })
      .resizable({
        edges: { bottom: ".tt-resize" },
        listeners: {
          start(event) { event.target.classList.add("tt-dragging"); },
          move(event) { event.target.style.height = `${event.rect.height}px`; },
          end(event) {
            const session = event.target;
            const box = session.getBoundingClientRect();
            const slot = slotAt(box.left + box.width / 2, box.bottom - 4);
            reset(session);
            if (!slot) return;
            const end = minutes(slot.dataset.start) + STEP;
            if (end !== minutes(session.dataset.end)) resize(session, end);
          },
        },
      });
  }

  document.addEventListener("keydown", (event) => {
    const session = event.target;
    if (!session.matches || !session.matches(".tt-session")) return;
    const start = minutes(session.dataset.start);
    const end = minutes(session.dataset.end);
    const room = session.dataset.room;
    if (event.key === "Enter") {
      event.preventDefault();
      refocus = null;
      htmx.ajax("GET", session.dataset.editUrl, { target: "#form-slot" });
    } else if (event.shiftKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      resize(session, end + (event.key === "ArrowUp" ? -STEP : STEP));
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      move(session, start + (event.key === "ArrowUp" ? -STEP : STEP), room);
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      const order = rooms(session);
      const next = order[order.indexOf(room) + (event.key === "ArrowLeft" ? -1 : 1)];
      if (next !== undefined) move(session, start, next);
    }
  });

  document.addEventListener("htmx:load", (event) => {
    const root = event.detail.elt;
    // A form fetched into the builder takes the focus, so the keyboard lands in it.
    if (root.matches("form") && root.closest("#form-slot")) {
      root.scrollIntoView({ block: "nearest" });
      const field = root.querySelector("input:not([type=hidden]), select, textarea");
      if (field) field.focus();
    }
    if (root.id === "agenda" && refocus) {
      const session = root.querySelector(`.tt-session[data-session-id="${refocus}"]`);
      const status = document.getElementById("timetable-status");
      const error = root.querySelector(".alert-danger");
      if (status) status.textContent = error ? error.textContent : (session ? session.getAttribute("aria-label") : "");
      if (session) session.focus();
      refocus = null;
    }
  });
})();
