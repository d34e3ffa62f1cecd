"""Names written with Indonesian titles: gelar depan, name, gelar belakang."""
from __future__ import annotations

# Police and military ranks come before a name without a full stop ("Kombes Pol. Andi",
# "Letkol Inf. Budi"); academic and religious titles always carry one ("Dr.", "H.", "Hj.").
RANKS_WITHOUT_FULL_STOP = frozenset(
    word.casefold() for word in (
        "Jenderal", "Komjen", "Irjen", "Brigjen", "Kombes", "AKBP", "Kompol", "AKP", "Iptu",
        "Ipda", "Aiptu", "Aipda", "Bripka", "Brigpol", "Briptu", "Bripda", "Pol",
        "Letjen", "Mayjen", "Kolonel", "Letkol", "Mayor", "Kapten", "Lettu", "Letda",
        "Laksma", "Marsma", "TNI",
    )
)


def _is_front_title(word: str) -> bool:
    return word.endswith(".") or word.casefold() in RANKS_WITHOUT_FULL_STOP


def split_titles(full: str) -> tuple[str, str, str]:
    """'Dr. H. Rizali Hadi, M.Pd.' → ('Dr. H.', 'Rizali Hadi', 'M.Pd.').

    Back titles are everything after the first comma; front titles are the leading words
    that end with a full stop, or are ranks. The last word before the comma always stays
    the name, so a name is never empty."""
    text = " ".join(full.split())
    before_comma, _comma, after_comma = text.partition(",")
    back_titles = ", ".join(part.strip() for part in after_comma.split(",") if part.strip())
    words = before_comma.split()
    front_count = 0
    while front_count < len(words) - 1 and _is_front_title(words[front_count]):
        front_count += 1
    return " ".join(words[:front_count]), " ".join(words[front_count:]), back_titles


def join_titles(front_titles: str, name: str, back_titles: str) -> str:
    """'Dr. H. Rizali Hadi, M.Pd.': titles around the name, as on badges and certificates."""
    text = f"{front_titles} {name}".strip()
    return f"{text}, {back_titles}" if back_titles else text
