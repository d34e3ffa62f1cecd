"""The institutions of the reference course (docs/domain.md): (short name, full name)."""

REFERENCE_INSTITUTIONS = [
    ("Unhan", "Universitas Pertahanan"),
    ("BIN Daerah Kaltim", "Badan Intelijen Negara Daerah Kalimantan Timur"),
    ("Polres Kutai Timur", "Kepolisian Resor Kutai Timur"),
    ("KPU Kutai Timur", "Komisi Pemilihan Umum Kabupaten Kutai Timur"),
    ("Bawaslu Kutai Timur", "Badan Pengawas Pemilihan Umum Kabupaten Kutai Timur"),
    ("Kesbangpol Kutim", "Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Timur"),
    ("Satpol PP Kutim", "Satuan Polisi Pamong Praja Kabupaten Kutai Timur"),
    ("PPK", "Panitia Pemilihan Kecamatan"),
    ("Panwaslu Kecamatan", "Panitia Pengawas Pemilihan Umum Kecamatan"),
    ("Sekretariat Kabupaten Kutim", "Sekretariat Daerah Kabupaten Kutai Timur"),
    ("Smart Academy", "Smart Academy"),
    ("BKPSDM Kutim",
     "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kabupaten Kutai Timur"),
]
