// The question widget's front end (an anywidget ES module, no build step, no dependencies).
//
// It only renders and reports: Python grades (turneast.questions.grade) and sends the feedback back.
// Model traits:  spec (the question as this learner sees it), value (the response in the controls),
//                feedback_state ({status, lines, n}: n counts messages, so a repeated one is announced again).
// Messages sent: {event: "check", value} | {event: "hint"} | {event: "explain"}.
//
// Keyboard: every control (and the container) carries data-lm-suppress-shortcuts, JupyterLab's (4.1+)
// documented way to keep command-mode shortcuts (arrows move the active cell, A/B add cells, D D deletes...)
// out of a widget while focus is inside it. Tab order: the options, Check, Hint, Explain.

let instances = 0;

const FOCUSABLE = new Set(["input", "select", "textarea", "button"]);

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  // Lumino stops looking for a shortcut at the first element (from the focused one up) that carries this
  // attribute; JupyterLab's command-mode selectors end in ":focus", so the focused control itself must carry it.
  if (FOCUSABLE.has(tag)) node.setAttribute("data-lm-suppress-shortcuts", "true");
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function sameList(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}

// ------------------------------------------------------------------ controls, one builder per type
// Each returns {nodes, read(), write(value)}; `changed()` tells the model the controls moved.

function choices(spec, uid, changed, multiple) {
  const inputs = spec.options.map((text, i) => {
    const input = el("input", multiple ? { type: "checkbox", id: `${uid}-opt${i}`, value: String(i) }
      : { type: "radio", name: `${uid}-choice`, id: `${uid}-opt${i}`, value: String(i) });
    input.addEventListener("change", changed);
    return { text, input };
  });
  const nodes = inputs.map(({ text, input }) =>
    el("div", { className: "te-q-option" }, [input, el("label", { for: input.id, text })]));
  const picked = () => inputs.filter((c) => c.input.checked).map((c) => c.text);
  return {
    nodes,
    read: () => (multiple ? picked() : (picked()[0] ?? null)),
    write: (value) => {
      const chosen = multiple ? (Array.isArray(value) ? value : []) : [value];
      inputs.forEach((c) => { c.input.checked = chosen.includes(c.text); });
    },
  };
}

const singleChoice = (spec, uid, changed) => choices(spec, uid, changed, false);
const multipleChoice = (spec, uid, changed) => choices(spec, uid, changed, true);

function numeric(spec, uid, changed, check) {
  const input = el("input", {
    type: "text", id: `${uid}-number`, inputmode: "decimal", autocomplete: "off", spellcheck: "false",
    className: "te-q-number", "aria-describedby": spec.unit ? `${uid}-unit` : null,
  });
  input.addEventListener("input", changed);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      check();
    }
  });
  const label = el("label", { for: input.id, text: spec.unit ? `Your answer (${spec.unit})` : "Your answer" });
  const unit = spec.unit ? el("span", { id: `${uid}-unit`, className: "te-q-unit", text: spec.unit }) : null;
  return {
    nodes: [el("div", { className: "te-q-number-row" }, [label, input, unit])],
    read: () => input.value,
    write: (value) => {
      const text = value === null || value === undefined ? "" : String(value);
      if (input.value !== text) input.value = text;
    },
  };
}

function ordering(spec, uid, changed) {
  let items = spec.items.slice();
  const help = el("p", {
    id: `${uid}-order-help`, className: "te-q-help",
    text: "Select an item with the arrow keys, then move it with Alt+Up / Alt+Down or the buttons. "
      + "Earliest or first at the top.",
  });
  const list = el("select", {
    id: `${uid}-order`, size: String(Math.max(items.length, 2)), className: "te-q-order",
    "aria-describedby": help.id,
  });
  const label = el("label", { for: list.id, text: "Order, first at the top" });
  const announce = el("span", { className: "te-q-visually-hidden", "aria-live": "polite" });
  const up = el("button", { type: "button", className: "te-q-button", text: "Move up" });
  const down = el("button", { type: "button", className: "te-q-button", text: "Move down" });

  function draw(selected) {
    list.replaceChildren(...items.map((text, i) => el("option", { value: String(i), text })));
    if (selected !== null && selected >= 0) list.selectedIndex = selected;
  }
  function move(step) {
    const i = list.selectedIndex;
    if (i < 0) {
      announce.textContent = "Select an item in the list first.";
      return;
    }
    const j = Math.min(Math.max(i + step, 0), items.length - 1);
    if (j !== i) {
      [items[i], items[j]] = [items[j], items[i]];
      draw(j);
      changed();
    }
    announce.textContent = `${items[j]}: position ${j + 1} of ${items.length}.`;
  }
  list.addEventListener("keydown", (event) => {
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      move(event.key === "ArrowUp" ? -1 : +1);
    }
  });
  up.addEventListener("click", () => move(-1));
  down.addEventListener("click", () => move(+1));
  draw(null);
  return {
    nodes: [label, help, list, el("div", { className: "te-q-row" }, [up, down]), announce],
    read: () => items.slice(),
    write: (value) => {
      const valid = Array.isArray(value) && value.length === spec.items.length
        && spec.items.every((item) => value.includes(item));
      const next = valid ? value.slice() : spec.items.slice();
      if (!sameList(next, items)) {
        const selected = list.selectedIndex >= 0 ? items[list.selectedIndex] : null;
        items = next;
        draw(selected === null ? null : items.indexOf(selected));
      }
    },
  };
}

function matching(spec, uid, changed) {
  const rows = spec.left.map((item, i) => {
    const select = el("select", { id: `${uid}-match${i}`, className: "te-q-match" }, [
      el("option", { value: "", text: "— choose —" }),
      ...spec.right.map((text, j) => el("option", { value: String(j), text })),
    ]);
    select.addEventListener("change", changed);
    return { item, select };
  });
  const nodes = rows.map(({ item, select }) =>
    el("div", { className: "te-q-match-row" }, [el("label", { for: select.id, text: item }), select]));
  return {
    nodes,
    read: () => {
      const pairs = {};
      for (const { item, select } of rows) {
        if (select.value !== "") pairs[item] = spec.right[Number(select.value)];
      }
      return pairs;
    },
    write: (value) => {
      const pairs = value && typeof value === "object" && !Array.isArray(value) ? value : {};
      for (const { item, select } of rows) {
        const j = spec.right.indexOf(pairs[item]);
        select.value = j >= 0 ? String(j) : "";
      }
    },
  };
}

function reflection(spec, uid, changed, check) {
  const area = el("textarea", {
    id: `${uid}-text`, rows: "6", className: "te-q-text", "aria-describedby": `${uid}-text-help`,
  });
  area.addEventListener("input", changed);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      check();
    }
  });
  return {
    nodes: [
      el("label", { for: area.id, text: "Your reflection" }),
      area,
      el("p", { id: `${uid}-text-help`, className: "te-q-help", text: "Ctrl+Enter saves, as the Save button does." }),
    ],
    read: () => area.value,
    write: (value) => { if (area.value !== (value || "")) area.value = value || ""; },
  };
}

const BUILDERS = { single: singleChoice, multiple: multipleChoice, numeric, ordering, matching, reflection };

// ------------------------------------------------------------------ the widget

function render({ model, el: host }) {
  const spec = model.get("spec");
  instances += 1;
  const uid = `te-q${instances}-${Math.random().toString(36).slice(2, 7)}`;
  const send = (message) => model.send(message);

  let controls = null;
  const changed = () => {
    model.set("value", controls.read());
    model.save_changes();
  };
  const check = () => send({ event: "check", value: controls.read() });
  controls = (BUILDERS[spec.type] || reflection)(spec, uid, changed, check);
  controls.write(model.get("value"));

  const legend = el("legend", {}, [
    el("span", { className: "te-q-prompt", text: spec.prompt }),
    " ",
    el("span", { className: "te-q-meta", text: `(${spec.type_name}; id ${spec.id})` }),
  ]);
  const fieldset = el("fieldset", { className: `te-q-body te-q-${spec.type}` }, [legend, ...controls.nodes]);

  const checkButton = el("button", { type: "button", className: "te-q-button te-q-primary", text: spec.check_label });
  const hintButton = el("button", { type: "button", className: "te-q-button", text: "Hint", disabled: !spec.has_hint });
  const explainButton = el("button", { type: "button", className: "te-q-button", text: "Explain" });
  checkButton.addEventListener("click", check);
  hintButton.addEventListener("click", () => send({ event: "hint" }));
  explainButton.addEventListener("click", () => send({ event: "explain" }));

  const feedback = el("div", { className: "te-q-feedback", role: "status", "aria-live": "polite" });
  const showFeedback = () => {
    const { status = "", lines = [], n = 0 } = model.get("feedback_state") || {};
    feedback.dataset.status = status;
    feedback.dataset.serial = String(n);
    feedback.replaceChildren(...lines.map((line) => el("div", { className: "te-q-line", text: line })));
  };
  showFeedback();

  const root = el("div", { className: "te-q", "data-lm-suppress-shortcuts": "true", "data-qid": spec.id }, [
    fieldset,
    el("div", { className: "te-q-row te-q-buttons" }, [checkButton, hintButton, explainButton]),
    feedback,
  ]);
  host.classList.add("turneast-question", `q-${spec.id.replace(/\./g, "-")}`);
  host.replaceChildren(root);

  const onValue = () => controls.write(model.get("value"));
  model.on("change:value", onValue);
  model.on("change:feedback_state", showFeedback);
  return () => {
    model.off("change:value", onValue);
    model.off("change:feedback_state", showFeedback);
  };
}

export default { render };
