"""Names written with Indonesian titles: gelar depan, name, gelar belakang (docs/domain.md,
"Names, titles and other numbers"). The person's own spelling and order are kept."""
from __future__ import annotations

import re

# Police and military ranks come before a name without a full stop ("Kombes Pol. Andi",
# "Letkol Inf. Budi").
RANKS_WITHOUT_FULL_STOP = frozenset(
    word.casefold() for word in (
        "Jenderal", "Komjen", "Irjen", "Brigjen", "Kombes", "AKBP", "Kompol", "AKP", "Iptu",
        "Ipda", "Aiptu", "Aipda", "Bripka", "Brigpol", "Briptu", "Bripda", "Pol",
        "Letjen", "Mayjen", "Kolonel", "Letkol", "Mayor", "Kapten", "Lettu", "Letda",
        "Laksma", "Marsma", "TNI", "Inf", "Kav", "Arm", "Czi",
    )
)
# Academic and religious titles written before a name, without their full stops. A known
# list, not "any word with a full stop": M. and Moh. are names (Muhammad), not titles.
FRONT_TITLES = frozenset((
    "prof", "dr", "drg", "drh", "drs", "dra", "ir", "h", "hj", "kh", "ns", "apt", "ust",
    "ustadz", "hc", "dr(hc)", "drhc",
))
# Degrees people write without full stops ("SH", "SE, MM"); with full stops any degree's
# shape is recognised (S.Sos., M.Si., S.I.K., Ph.D.).
BACK_TITLES_WITHOUT_FULL_STOP = frozenset((
    "sh", "se", "mm", "mh", "st", "mt", "sip", "ssos", "msi", "spd", "mpd", "skom", "mkom",
    "sag", "mag", "amd", "sap", "map", "phd", "mba", "msc", "bsc", "skm", "mkes", "skep",
    "sfarm", "apt", "ss", "shi", "spdi", "sthi", "lc", "ma", "sked", "sikom", "sik", "stp",
    "sp", "sgz", "ak", "spog", "spa", "mae", "mec", "dea", "mph", "mpa", "mpp", "llm",
    "ipm", "ipu", "ipp",
))
_DOTTED_DEGREE = re.compile(r"(?:[A-Za-z]{1,5}\.\s?)+[A-Za-z]{0,5}\.?")


def _bare(word: str) -> str:
    return re.sub(r"[.\s]", "", word).casefold()


def is_front_title(word: str) -> bool:
    return _bare(word) in FRONT_TITLES or _bare(word) in RANKS_WITHOUT_FULL_STOP


def is_back_title(part: str) -> bool:
    """'S.Sos.', 'M.Si', 'S.I.K.', 'SH': a degree after a name; 'Budi' is not."""
    part = part.strip()
    if not part or not part[0].isalpha():
        return False
    return _bare(part) in BACK_TITLES_WITHOUT_FULL_STOP or (
        "." in part and part[0].isupper() and _DOTTED_DEGREE.fullmatch(part) is not None)


def split_titles(full: str) -> tuple[str, str, str]:
    """'Dr. H. Rizali Hadi, M.Pd.' → ('Dr. H.', 'Rizali Hadi', 'M.Pd.').

    Back titles are the comma-separated parts at the end that are degrees, and degrees
    written with full stops right after the name ('Ahmad S.Sos'); front titles are the
    leading words that are known titles or ranks. A comma that is not followed by titles
    stays in the name ('Lubis, Ahmad'), and the last word before the titles always stays
    the name, so a name is never empty."""
    parts = " ".join(full.split()).split(",")
    back: list[str] = []
    while len(parts) > 1 and (not parts[-1].strip() or is_back_title(parts[-1])):
        part = parts.pop().strip()
        if part:
            back.insert(0, part)
    words = ",".join(parts).split()
    while len(words) > 1 and "." in words[-1] and is_back_title(words[-1]) \
            and not is_front_title(words[-1]) \
            and not all(is_front_title(word) for word in words[:-1]):
        back.insert(0, words.pop())
    front_count = 0
    while front_count < len(words) - 1 and is_front_title(words[front_count]):
        front_count += 1
    return " ".join(words[:front_count]), " ".join(words[front_count:]), ", ".join(back)


def split_title_cell(text: str) -> tuple[str, str]:
    """One 'Gelar' cell holding both kinds, e.g. 'Dr. H., S.Sos., M.Si.' → ('Dr. H.',
    'S.Sos., M.Si.'). ValueError names a word that is no title."""
    front: list[str] = []
    back: list[str] = []
    for part in (" ".join(p.split()) for p in text.split(",")):
        if not part:
            continue
        if is_back_title(part) and not any(is_front_title(word) for word in part.split()):
            back.append(part)
            continue
        for word in part.split():
            if is_front_title(word):
                front.append(word)
            elif is_back_title(word):
                back.append(word)
            else:
                raise ValueError(word)
    return " ".join(front), ", ".join(back)


def merge_titles(*written: str, separator: str) -> str:
    """Titles from several places (columns, the name), each once, in the order given."""
    seen: set[str] = set()
    kept = []
    for titles in written:
        for title in filter(None, (t.strip() for t in titles.split(separator.strip() or None))):
            if _bare(title) not in seen:
                seen.add(_bare(title))
                kept.append(title)
    return separator.join(kept)


def join_titles(front_titles: str, name: str, back_titles: str) -> str:
    """'Dr. H. Rizali Hadi, M.Pd.': titles around the name, as on badges and certificates."""
    text = f"{front_titles} {name}".strip()
    return f"{text}, {back_titles}" if back_titles else text
