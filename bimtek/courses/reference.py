"""Reference regions of docs/domain.md: Kemendagri codes, kecamatan and their other spellings."""

# (region code, name, [(kecamatan number, name, other spellings)])
REFERENCE_REGIONS = [
    ("64.08", "Kabupaten Kutai Timur", [
        ("01", "Muara Ancalong", ()), ("02", "Muara Wahau", ()), ("03", "Muara Bengkal", ()),
        ("04", "Sangatta Utara", ("Sangata Utara",)), ("05", "Sangkulirang", ()),
        ("06", "Busang", ()), ("07", "Telen", ()), ("08", "Kombeng", ("Kongbeng",)),
        ("09", "Bengalon", ("Bangalon",)), ("10", "Kaliorang", ()), ("11", "Sandaran", ()),
        ("12", "Sangatta Selatan", ("Sangata Selatan",)), ("13", "Teluk Pandan", ()),
        ("14", "Rantau Pulung", ()), ("15", "Kaubun", ()), ("16", "Karangan", ()),
        ("17", "Batu Ampar", ()), ("18", "Long Mesangat", ()),
    ]),
]
