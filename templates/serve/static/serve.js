/* reportgen serve: the report form.  Plain script, no build step, no library.
 *
 * Totals are computed here from the recipes the server derived from the format definition;
 * every change sends the whole form to /api/draft (debounced), which writes the draft and
 * answers with the validator's problems, located by cell key.  Text is only ever inserted
 * with textContent, never as markup.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("form-data").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const form = document.getElementById("report-form");
  const statusEl = document.getElementById("status");
  const note = document.getElementById("cell-note");
  const FIELDS = "input[data-key], textarea[data-key], select[data-key]";
  let timer = null;
  let sequence = 0;
  let pending = null;
  let remark = ""; // what the last paste did, kept in the status line until the next edit
  const notes = new Map(); // control -> problems about it

  // ------------------------------------------------------------------ numbers and totals

  function cleanNumber(text) {
    let t = String(text).normalize("NFKC").replace(/\u2212/g, "-").trim();
    if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, "");
    return t;
  }

  function control(key) {
    return document.getElementById("c-" + key);
  }

  function numberOf(key, memo) {
    if (key in memo) return memo[key];
    let value = 0;
    const recipe = data.totals[key];
    if (recipe) {
      for (const part of recipe) value += numberOf(part, memo);
    } else {
      const el = control(key);
      const t = el ? cleanNumber(el.value) : "";
      if (/^[+-]?\d+(\.\d+)?$/.test(t)) value = Number(t);
    }
    memo[key] = value;
    return value;
  }

  function recompute() {
    const memo = {};
    for (const key of Object.keys(data.totals)) {
      const out = control(key);
      if (out) out.value = String(numberOf(key, memo));
    }
  }

  // ------------------------------------------------------------------ talking to the server

  function collect() {
    const values = {};
    form.querySelectorAll(FIELDS).forEach((el) => {
      values[el.dataset.key] = el.value;
    });
    const carry = [];
    form.querySelectorAll("[data-carry]").forEach((el) => carry.push(el.dataset.key));
    return { file: data.file, values: values, carry: carry };
  }

  function post(url, body, extra) {
    return fetch(url, Object.assign({
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    }, extra || {}));
  }

  function say(text) {
    statusEl.textContent = text;
  }

  function time() {
    return new Date().toLocaleTimeString("zh-CN", { hour12: false });
  }

  async function answer(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = { error: "服务器没有正常答复（" + response.status + "）" };
    }
    return body;
  }

  function changed() {
    say("正在检查……");
    clearTimeout(timer);
    timer = setTimeout(sendDraft, 350);
  }

  async function sendDraft() {
    clearTimeout(timer);
    timer = null;
    const mine = ++sequence;
    const request = post("/api/draft", collect());
    pending = request;
    try {
      const response = await request;
      const body = await answer(response);
      if (mine !== sequence) return;
      if (!response.ok) {
        say("草稿未保存：" + (body.error || response.status) + (body.hint ? "。" + body.hint : ""));
        return;
      }
      apply(body);
      say((remark ? remark + "。" : "") + "草稿已自动保存（" + time() + "）");
    } catch (e) {
      if (mine === sequence) say("无法连接 reportgen serve：请确认它仍在运行，再继续填写。");
    } finally {
      if (pending === request) pending = null;
    }
  }

  async function flush() {
    if (timer !== null) await sendDraft();
    else if (pending) await pending.catch(() => null);
  }

  // ------------------------------------------------------------------ showing the checks

  function apply(result) {
    if (result.format && result.format !== data.format) {
      say("报告年度改变了表格格式，正在重新载入……");
      window.location.reload();
      return;
    }
    for (const [key, pair] of Object.entries(result.carried || {})) {
      const el = control(key);
      if (el && el.hasAttribute("data-carry")) {
        el.value = pair[0];
        el.title = pair[1];
      }
    }
    recompute();
    showProblems(result.problems || []);
    showPreviews(result.previews || {});
  }

  function targetOf(problem) {
    if (!problem.path) return null;
    let key = problem.path;
    while (key) {
      const el = form.querySelector('[data-key="' + CSS.escape(key) + '"]');
      if (el) return el;
      key = key.includes(".") ? key.slice(0, key.lastIndexOf(".")) : "";
    }
    return null;
  }

  function holder(el) {
    return el.closest("td") || el;
  }

  function showProblems(problems) {
    document.querySelectorAll(".has-error, .has-warning").forEach((el) => {
      el.classList.remove("has-error", "has-warning");
    });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll("[data-problem]").forEach((el) => {
      el.removeAttribute("aria-describedby");
      el.removeAttribute("data-problem");
    });
    notes.clear();
    const lists = { error: document.getElementById("error-list"), warning: document.getElementById("warning-list") };
    lists.error.replaceChildren();
    lists.warning.replaceChildren();
    const counts = { error: 0, warning: 0 };
    problems.forEach((p, index) => {
      const severity = p.severity === "error" ? "error" : "warning";
      counts[severity] += 1;
      const item = document.createElement("li");
      item.id = "problem-" + index;
      item.className = severity;
      const target = targetOf(p);
      const text = (p.acknowledged ? "（已说明）" : "") + p.rule + " " + p.message;
      let main;
      if (target) {
        main = document.createElement("button");
        main.type = "button";
        main.className = "problem-jump";
        main.addEventListener("click", () => jump(target));
      } else {
        main = document.createElement("span");
      }
      main.textContent = text;
      item.appendChild(main);
      if (p.acknowledged || p.hint) {
        const hint = document.createElement("span");
        hint.className = "problem-hint";
        hint.textContent = p.acknowledged ? "说明：" + p.acknowledged : "提示：" + p.hint;
        item.appendChild(hint);
      }
      lists[severity].appendChild(item);
      if (target) {
        const box = holder(target);
        box.classList.add(severity === "error" ? "has-error" : "has-warning");
        if (severity === "error") target.setAttribute("aria-invalid", "true");
        const ids = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (target.hasAttribute("data-problem")) ids.push(item.id);
        else ids.splice(0, ids.length, item.id);
        target.setAttribute("aria-describedby", ids.join(" "));
        target.setAttribute("data-problem", "");
        if (!notes.has(target)) notes.set(target, []);
        notes.get(target).push(p);
      }
    });
    const summary = document.getElementById("problem-summary");
    if (!counts.error && !counts.warning) summary.textContent = "没有发现问题。";
    else summary.textContent = counts.error + " 个错误，" + counts.warning + " 个警告。点一条可跳到对应的格子。";
    document.getElementById("errors-heading").textContent = "错误（" + counts.error + "）";
    document.getElementById("warnings-heading").textContent = "警告（" + counts.warning + "）";
    if (note.dataset.for) {
      const el = document.getElementById(note.dataset.for);
      if (el && document.activeElement === el) showNote(el);
      else hideNote();
    }
  }

  function showPreviews(previews) {
    for (const [key, paragraphs] of Object.entries(previews)) {
      const box = document.getElementById("pv-" + key);
      if (!box) continue;
      box.replaceChildren();
      if (paragraphs === null) {
        const p = document.createElement("p");
        p.className = "preview-note";
        p.textContent = "（占位符有误，改正后显示预览）";
        box.appendChild(p);
        continue;
      }
      for (const text of paragraphs) {
        const p = document.createElement("p");
        p.textContent = text;
        box.appendChild(p);
      }
    }
  }

  function jump(el) {
    el.scrollIntoView({ block: "center", inline: "center" });
    el.focus({ preventScroll: true });
    if (el.select) el.select();
    showNote(el);
  }

  function showNote(el) {
    const problems = notes.get(el);
    if (!problems || !problems.length) {
      hideNote();
      return;
    }
    note.replaceChildren();
    for (const p of problems) {
      const line = document.createElement("p");
      line.className = p.severity === "error" ? "error" : "warning";
      line.textContent = (p.severity === "error" ? "错误 " : "警告 ") + p.rule + "：" + p.message;
      note.appendChild(line);
    }
    note.hidden = false;
    note.dataset.for = el.id;
    const box = holder(el).getBoundingClientRect();
    const width = Math.min(420, window.innerWidth - 16);
    note.style.width = width + "px";
    let left = box.right + 8;
    if (left + width > window.innerWidth - 8) left = Math.max(8, box.left - width - 8);
    if (left < 8 || box.left - width - 8 < 8 && box.right + 8 + width > window.innerWidth) left = 8;
    let top = box.top;
    if (left === 8) top = box.bottom + 6;
    note.style.left = left + window.scrollX + "px";
    note.style.top = top + window.scrollY + "px";
  }

  function hideNote() {
    note.hidden = true;
    delete note.dataset.for;
  }

  // ------------------------------------------------------------------ moving like a spreadsheet

  function rowsWithInputs(table) {
    return Array.from(table.rows).filter((r) => r.querySelector("td.value"));
  }

  function neighbour(el, direction) {
    const tr = el.closest("tr");
    const table = el.closest("table");
    if (direction === "left" || direction === "right") {
      const inputs = Array.from(tr.querySelectorAll("td input"));
      const i = inputs.indexOf(el) + (direction === "left" ? -1 : 1);
      return inputs[i] || null;
    }
    const rows = rowsWithInputs(table);
    const centre = (() => { const r = el.getBoundingClientRect(); return (r.left + r.right) / 2; })();
    let i = rows.indexOf(tr);
    const step = direction === "up" ? -1 : 1;
    for (i += step; i >= 0 && i < rows.length; i += step) {
      let best = null;
      let distance = Infinity;
      rows[i].querySelectorAll("td input").forEach((candidate) => {
        const r = candidate.closest("td").getBoundingClientRect();
        const d = centre < r.left ? r.left - centre : centre > r.right ? centre - r.right : 0;
        if (d < distance) { best = candidate; distance = d; }
      });
      if (best) return best;
    }
    return null;
  }

  form.addEventListener("keydown", (event) => {
    const el = event.target;
    if (!el.matches || !el.matches("td input") || event.altKey || event.ctrlKey || event.metaKey) return;
    const start = el.selectionStart, end = el.selectionEnd, length = el.value.length;
    let direction = null;
    if (event.key === "ArrowUp") direction = "up";
    else if (event.key === "ArrowDown") direction = "down";
    else if (event.key === "Enter") direction = event.shiftKey ? "up" : "down";
    else if (event.key === "ArrowLeft" && start === 0 && (end === 0 || end === length)) direction = "left";
    else if (event.key === "ArrowRight" && end === length && (start === length || start === 0)) direction = "right";
    if (!direction) return;
    event.preventDefault();
    const next = neighbour(el, direction);
    if (next) {
      next.focus();
      next.select();
    }
  });

  // ------------------------------------------------------------------ pasting a block

  form.addEventListener("paste", (event) => {
    const el = event.target;
    if (!el.matches || !el.matches("td input")) return;
    const text = (event.clipboardData || window.clipboardData).getData("text/plain") || "";
    const block = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    if (!/[\t\n]/.test(block)) return; // one value: the ordinary paste
    event.preventDefault();
    const lines = block.split("\n").map((line) => line.split("\t"));
    const rows = rowsWithInputs(el.closest("table"));
    const r0 = rows.indexOf(el.closest("tr"));
    const c0 = Array.from(el.closest("tr").querySelectorAll("td.value")).indexOf(el.closest("td"));
    let filled = 0;
    let skipped = 0;
    lines.forEach((cells, i) => {
      const row = rows[r0 + i];
      const tds = row ? row.querySelectorAll("td.value") : [];
      cells.forEach((raw, j) => {
        const input = tds[c0 + j] ? tds[c0 + j].querySelector("input") : null;
        if (!input) { skipped += 1; return; } // a total (computed) or outside the table
        input.value = cleanNumber(raw);
        input.removeAttribute("data-carry");
        filled += 1;
      });
    });
    recompute();
    changed();
    remark = "已粘贴 " + filled + " 个数" +
      (skipped ? "；" + skipped + " 个落在合计格或表格之外，未填入（合计自动计算）" : "");
    say(remark);
  });

  // ------------------------------------------------------------------ the rest of the page

  form.addEventListener("input", (event) => {
    const el = event.target;
    if (!el.dataset || !el.dataset.key) return;
    el.removeAttribute("data-carry");
    remark = "";
    if (el.dataset.key === "year") return; // judged when the field is left (see "change")
    if (el.closest("td")) recompute();
    changed();
  });

  // Typing already counted as a change; "change" is for lists and the year, judged when
  // the field is left (an unfinished year would switch the format back and forth).
  form.addEventListener("change", (event) => {
    const el = event.target;
    if (el.dataset && el.dataset.key && (el.tagName === "SELECT" || el.dataset.key === "year")) {
      changed();
    }
  });

  form.addEventListener("focusin", (event) => {
    if (notes.has(event.target)) showNote(event.target);
    else hideNote();
    if (event.target.matches("td input")) event.target.select();
  });

  form.addEventListener("submit", (event) => event.preventDefault());

  document.querySelectorAll("[data-insert]").forEach((button) => {
    button.addEventListener("click", () => {
      const key = button.dataset.insert;
      const area = document.getElementById("s-" + key);
      const picker = document.getElementById("pick-" + key);
      const text = "{{ " + picker.value + " }}";
      area.focus();
      area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
      changed();
    });
  });

  const previous = document.getElementById("f-previous");
  if (previous && !previous.disabled) {
    previous.addEventListener("change", async () => {
      await flush();
      const body = collect();
      body.previous = previous.value;
      const response = await post("/api/previous", body);
      const result = await answer(response);
      if (!response.ok) {
        say((result.error || "无法使用这份报告") + (result.hint ? "：" + result.hint : ""));
        return;
      }
      window.location.reload();
    });
  }

  document.getElementById("save").addEventListener("click", async () => {
    clearTimeout(timer);
    timer = null;
    ++sequence;
    say("正在保存……");
    const response = await post("/api/save", collect());
    const result = await answer(response);
    if (!response.ok) {
      say("未能保存：" + (result.error || response.status) + (result.hint ? "。" + result.hint : ""));
      return;
    }
    apply(result);
    const issues = result.errors ? "；还有 " + result.errors + " 个错误，见右侧" : "";
    say("已保存到 " + result.saved + "（" + time() + "）" + issues);
  });

  document.querySelectorAll("[data-build]").forEach((button) => {
    button.addEventListener("click", async () => {
      const format = button.dataset.build;
      clearTimeout(timer);
      timer = null;
      ++sequence;
      say("正在生成 " + format.toUpperCase() + "……");
      const body = collect();
      body.format = format;
      const response = await post("/api/build", body);
      if (!response.ok) {
        const result = await answer(response);
        if (result.problems) apply(result);
        say((result.error || "生成失败") + (result.hint ? "：" + result.hint : ""));
        return;
      }
      const blob = await response.blob();
      const disposition = response.headers.get("Content-Disposition") || "";
      const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
      const name = match ? decodeURIComponent(match[1]) : "report." + format;
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
      say("已保存并生成 " + name + "（同时写在报告文件旁边）");
    });
  });

  document.getElementById("refresh-preview").addEventListener("click", async () => {
    await flush();
    const frame = document.getElementById("preview-frame");
    frame.hidden = false;
    frame.src = "/preview?file=" + encodeURIComponent(data.file) + "&t=" + Date.now();
  });

  window.addEventListener("beforeunload", () => {
    if (timer !== null) post("/api/draft", collect(), { keepalive: true });
  });

  window.addEventListener("resize", hideNote);

  recompute();
  if (data.checked) {
    showProblems(data.checked.problems || []);
    showPreviews(data.checked.previews || {});
  }
  document.body.setAttribute("data-ready", "");
})();
