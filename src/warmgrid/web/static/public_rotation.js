// The public page's "which group is my building in": the rotating-outage group of a
// building, its next off interval and its calendar (ICS) to download. Reads
// GET /public/rotation/lookup; follows the page's language (html lang).
"use strict";

const ROTATION_TEXT = {
  en: {
    title: "Rotating outages: which group is my building in?",
    label: "Address or building name",
    find: "Find",
    enter: "Enter an address or a building name.",
    group: "Group",
    exempt: "Not rotated: this building shares its feeder with a hospital, care home or pumping station.",
    none: "This building is not on rotating outages.",
    next: "Next power off",
    now: "Power off now, until",
    over: "No more power cuts in the published schedule.",
    all: "All off periods",
    calendar: "Add to calendar (ICS)",
    offline: "The server does not answer. Try again shortly.",
  },
  uk: {
    title: "Графік відключень: у якій черзі мій будинок?",
    label: "Адреса або назва будинку",
    find: "Знайти",
    enter: "Введіть адресу або назву будинку.",
    group: "Черга",
    exempt: "Не відключається: будинок на одному фідері з лікарнею, будинком догляду чи насосною станцією.",
    none: "Цей будинок не входить до графіка відключень.",
    next: "Наступне відключення",
    now: "Світла немає зараз, до",
    over: "У графіку більше немає відключень.",
    all: "Усі періоди відключень",
    calendar: "Додати до календаря (ICS)",
    offline: "Сервер не відповідає. Спробуйте трохи згодом.",
  },
};

const rotationPage = {matches: [], error: ""};

function rotationText(key) {
  const lang = document.documentElement.lang === "uk" ? "uk" : "en";
  return ROTATION_TEXT[lang][key];
}

function rotationSpan(interval) {
  return `${wg.clock(interval.start)} – ${wg.clock(interval.finish)}`;
}

function rotationMatch(match) {
  const group = match.group;
  const parts = [wg.el("h3", {}, match.name || match.id)];
  if (!group) parts.push(wg.el("p", {class: "status"}, rotationText("none")));
  else {
    parts.push(wg.el("p", {class: "status rotation-group"}, `${rotationText("group")}: ${group.area_name}`));
    if (group.critical) parts.push(wg.el("p", {class: "status exempt"}, rotationText("exempt")));
    else if (!match.next_off) parts.push(wg.el("p", {}, rotationText("over")));
    else {
      const running = Date.parse(match.next_off.start) <= Date.now();
      parts.push(wg.el("p", {class: "status out next-off"}, running
        ? `${rotationText("now")} ${wg.clock(match.next_off.finish)}`
        : `${rotationText("next")}: ${rotationSpan(match.next_off)}`));
    }
    if (match.off.length) {
      parts.push(wg.el("h4", {}, rotationText("all")));
      parts.push(wg.el("ul", {class: "off-list"}, match.off.map((i) => wg.el("li", {}, rotationSpan(i)))));
    }
    if (match.calendar) parts.push(wg.el("p", {}, wg.el("a", {href: match.calendar, download: `rotation-${group.id}.ics`, class: "button secondary ics-link"}, rotationText("calendar"))));
  }
  return wg.el("article", {class: "result", "data-building": match.id}, parts);
}

function renderRotationSection() {
  for (const node of document.querySelectorAll("[data-rotation-i18n]")) node.textContent = rotationText(node.dataset.rotationI18n);
  document.getElementById("rotation-error").textContent = rotationPage.error;
  document.getElementById("rotation-results").replaceChildren(...rotationPage.matches.map(rotationMatch));
}

async function findRotationGroup(query) {
  const answer = await wg.api(`/public/rotation/lookup?${new URLSearchParams({q: query})}`);
  rotationPage.matches = answer.ok ? answer.data.matches : [];
  rotationPage.error = answer.ok ? "" : answer.status === 0 ? rotationText("offline") : wg.message(answer);
  renderRotationSection();
}

document.getElementById("rotation-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = document.getElementById("rotation-find").value.trim();
  if (!query) {
    rotationPage.matches = [];
    rotationPage.error = rotationText("enter");
    renderRotationSection();
    return;
  }
  findRotationGroup(query);
});

for (const button of document.querySelectorAll(".lang")) button.addEventListener("click", renderRotationSection);
renderRotationSection();
