"""Public wording of warmgrid's alerts in English and Ukrainian.

Each message carries one CAP ``info`` block per language (CAP 1.2 §3.2.2: "multiple info
blocks ... for different languages"). Templates use ``str.format`` fields.
"""

from __future__ import annotations

from datetime import datetime

LANGUAGES = ("en", "uk")

_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def zone_label(moment: datetime) -> str:
    """The UTC offset of ``moment`` as people read it in alerts and reports: "UTC+02:00"."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_THOUSANDS = {"en": ",", "uk": "\u00a0"}


def format_count(count: float, language: str) -> str:
    """A whole number for people: "32,316" in English, "32 316" in Ukrainian (digits in
    groups of three split by a no-break space, as the SI Brochure, 9th ed., §5.4.4 and
    Ukrainian usage write them)."""
    return f"{round(count):,}".replace(",", _THOUSANDS[language])


def format_moment(moment: datetime, language: str) -> str:
    """A local date and time for people, in the time zone of ``moment``."""
    if language == "uk":
        return f"{moment:%d.%m.%Y} о {moment:%H:%M} ({zone_label(moment)})"
    month = _MONTHS_EN[moment.month - 1]
    return f"{moment:%H:%M} on {moment.day} {month} {moment.year} ({zone_label(moment)})"


SERVICE_EVENT = {
    "en": {
        "power": "Power outage",
        "heat": "Heating outage",
        "both": "Power and heating outage",
    },
    "uk": {
        "power": "Відключення електроенергії",
        "heat": "Відключення опалення",
        "both": "Відключення електроенергії та опалення",
    },
}

OUTAGE = {
    "en": {
        "area": "{city}outage area {number}: {buildings} buildings, {people} people",
        "headline": "{event} in {city}outage area {number} — restoration {etr_short}",
        "etr_known": "expected by {etr}",
        "etr_range": "expected between {first} and {last}",
        "etr_unknown": "time not yet known",
        "etr_partly": "{known}; for some buildings not yet known",
        "short_known": "by {etr}",
        "short_unknown": "time not yet known",
        "description": (
            "{event} after damage to the city's energy supply. {buildings} buildings are "
            "affected{people_parts}. Restoration: {etr_text}. This alert will be updated "
            "when the situation changes."
        ),
        "people_power": "{people} people without power",
        "people_heat": "{people} people without heating",
        "instruction_heat": (
            "Keep windows and doors closed and gather in one room. Dress in layers. "
            "Check on elderly and sick neighbours."
        ),
        "cold_soon": "The coldest flats may fall below 12 °C within about {hours} hours.",
        "cold_now": "The coldest flats may already be below 12 °C.",
        "instruction_power": (
            "Switch off and unplug electrical appliances to avoid damage when power "
            "returns. Do not use gas stoves, barbecues or generators indoors: risk of "
            "carbon monoxide poisoning."
        ),
        "centres": "Nearest warming centres: {centres}.",
        "centre": "{name} ({km} km)",
        "no_centres": "Ask the city hotline for the nearest warming centre.",
        "backup": "On backup generators, to be refuelled before their fuel runs out: {buildings}.",
        "backup_item": "{name} (fuel until {time})",
    },
    "uk": {
        "area": "{city}зона відключення {number}: будинків {buildings}, людей {people}",
        "headline": "{event}: {city}зона {number} — відновлення {etr_short}",
        "etr_known": "очікується до {etr}",
        "etr_range": "очікується між {first} та {last}",
        "etr_unknown": "час ще невідомий",
        "etr_partly": "{known}; для деяких будинків час ще невідомий",
        "short_known": "до {etr}",
        "short_unknown": "час ще невідомий",
        "description": (
            "{event} через пошкодження енергопостачання міста. Будинків без послуг: "
            "{buildings}{people_parts}. Відновлення: {etr_text}. Це оповіщення буде "
            "оновлено, коли ситуація зміниться."
        ),
        "people_power": "без електроенергії людей: {people}",
        "people_heat": "без опалення людей: {people}",
        "instruction_heat": (
            "Тримайте вікна й двері зачиненими, збирайтеся в одній кімнаті. Одягайтеся "
            "шарами. Перевірте літніх і хворих сусідів."
        ),
        "cold_soon": (
            "У найхолодніших квартирах температура може впасти нижче 12 °C приблизно за "
            "{hours} год."
        ),
        "cold_now": "У найхолодніших квартирах уже може бути нижче 12 °C.",
        "instruction_power": (
            "Вимкніть електроприлади з розеток, щоб уникнути пошкоджень, коли живлення "
            "повернеться. Не користуйтеся газовою плитою, мангалом чи генератором у "
            "приміщенні: небезпека отруєння чадним газом."
        ),
        "centres": "Найближчі пункти незламності (обігріву): {centres}.",
        "centre": "{name} ({km} км)",
        "no_centres": "Дізнайтеся найближчий пункт незламності на гарячій лінії міста.",
        "backup": (
            "Працюють від резервних генераторів, дозаправити до вичерпання пального: {buildings}."
        ),
        "backup_item": "{name} (пального до {time})",
    },
}

AIR_THREAT = {
    "en": {
        "event": "Air threat",
        "headline": "Air threat: {district} — go to a shelter now",
        "description": (
            "An air threat is declared for {district}. Danger to life outdoors and near "
            "windows until the all-clear."
        ),
        "instruction": (
            "Go to the nearest shelter now and stay there until the all-clear. If there is "
            "no shelter nearby, stay in an inner room away from windows, behind two walls."
        ),
        "all_clear_event": "Air threat over",
        "all_clear_headline": "All clear: {district}",
        "all_clear_description": "The air threat for {district} is over.",
        "all_clear_instruction": (
            "You may leave shelters. Stay away from damaged buildings and unfamiliar "
            "objects; report them to the emergency number."
        ),
    },
    "uk": {
        "event": "Повітряна тривога",
        "headline": "Повітряна тривога: {district} — негайно прямуйте в укриття",
        "description": (
            "Оголошено повітряну тривогу. Територія: {district}. Небезпека для життя "
            "надворі та біля вікон до відбою."
        ),
        "instruction": (
            "Негайно прямуйте до найближчого укриття та залишайтеся там до відбою. Якщо "
            "укриття поруч немає, перейдіть у внутрішню кімнату без вікон, за дві стіни."
        ),
        "all_clear_event": "Відбій повітряної тривоги",
        "all_clear_headline": "Відбій тривоги: {district}",
        "all_clear_description": "Повітряна тривога завершилась. Територія: {district}.",
        "all_clear_instruction": (
            "Можна залишити укриття. Тримайтеся подалі від пошкоджених будівель і "
            "незнайомих предметів; повідомляйте про них на номер екстреної служби."
        ),
    },
}

CANCEL = {
    "en": {"headline": "Cancelled: {headline}", "description": "This alert is cancelled. {reason}"},
    "uk": {"headline": "Скасовано: {headline}", "description": "Це оповіщення скасовано. {reason}"},
}
