"""The reference course of docs/domain.md, its live batch, their agenda and the demo
accounts."""
from __future__ import annotations

from datetime import date

from bimtek.auth.models import Role
from bimtek.courses.models import SessionKind
from bimtek.speakers.models import SpeakerRole

REFERENCE_COURSE_CODE = "KSP-KUTIM-2024"
DEMO_COURSE_CODE = "KSP-KUTIM-DEMO"
DEMO_REGION_CODE = "64.08"
# The reference course as it was held; its institutions by short name.
REFERENCE_COURSE = {
    "code": REFERENCE_COURSE_CODE,
    "title": "Bimbingan Teknis Mitigasi dan Penanganan Konflik Sosial "
             "pada Penyelenggaraan Pilkada 2024",
    "programme": "Bimtek Mitigasi dan Penanganan Konflik Sosial pada Penyelenggaraan Pilkada",
    "batch": 2,
    "venue": "Hotel Harris",
    "city": "Samarinda",
    "starts_on": date(2024, 10, 28),
    "ends_on": date(2024, 11, 1),
    "timezone": "Asia/Makassar",
    "capacity": 400,
    "min_attendance_percent": 80,
    "signatory_position": "Sekretaris Kabupaten Kutai Timur",
    "signatory_name": "Dr. H. Rizali Hadi, M.Pd.",
    "signatory_nip": "197206012005011008",
    "declared_jp": 40,
}
REFERENCE_HOST = "Sekretariat Kabupaten Kutim"
REFERENCE_FACILITATOR = "Smart Academy"

# (e-mail, name, role, institutions by short name: an HR office's staff, or those an
# organiser issues certificates for)
DEMO_ACCOUNTS = [
    ("admin@bimtek.test", "Admin Bimtek", Role.ADMIN, ()),
    ("organiser@bimtek.test", "Panitia Bimtek", Role.ORGANISER, ("Sekretariat Kabupaten Kutim",)),
    ("desk@bimtek.test", "Petugas Meja Registrasi", Role.DESK, ()),
    ("fasilitator@bimtek.test", "Fasilitator Smart Academy", Role.FACILITATOR, ()),
    ("hr@bimtek.test", "Petugas Kepegawaian", Role.HR, ("Kesbangpol Kutim", "Satpol PP Kutim")),
    ("peserta@bimtek.test", "Peserta Demo", Role.PARTICIPANT, ()),
]


# (front titles, name, back titles, rank, position, institution short name)
DEMO_SPEAKERS = {
    "sekda": ("", "Sekretaris Kabupaten Kutai Timur", "", "", "Sekretaris Kabupaten",
              "Sekretariat Kabupaten Kutim"),
    "unhan": ("Dr.", "Narasumber Unhan", "M.Si. (Han)", "",
              "Dosen Program Studi Damai dan Resolusi Konflik", "Unhan"),
    "bin": ("", "Narasumber BIN Daerah Kaltim", "", "", "Analis Intelijen",
            "BIN Daerah Kaltim"),
    "polres": ("", "Narasumber Polres Kutai Timur", "S.I.K.", "AKBP", "Kepala Bagian Operasi",
               "Polres Kutai Timur"),
    "kpu": ("", "Narasumber KPU Kutai Timur", "S.H.", "", "Anggota KPU Kabupaten Kutai Timur",
            "KPU Kutai Timur"),
    "bawaslu": ("", "Narasumber Bawaslu Kutai Timur", "S.Sos.", "",
                "Anggota Bawaslu Kabupaten Kutai Timur", "Bawaslu Kutai Timur"),
    "fasilitator": ("", "Fasilitator Smart Academy", "", "", "Fasilitator", "Smart Academy"),
}

DEMO_ROOMS = [("Ballroom", 400, True), ("Ruang Diskusi 1", 100, False),
              ("Ruang Diskusi 2", 100, False)]

# Per day: (start, end, title, kind, room, [(speaker key, role)], JP or None for the default)
M, B, N, F = SessionKind.MATERIAL, SessionKind.BREAK, SpeakerRole.NARASUMBER, \
    SpeakerRole.FASILITATOR
DEMO_AGENDA = [
    [("07.30", "08.30", "Registrasi peserta", SessionKind.REGISTRATION, "Ballroom", [], None),
     ("08.30", "09.30", "Pembukaan oleh Sekretaris Kabupaten Kutai Timur", SessionKind.OPENING,
      "Ballroom", [("sekda", N)], None),
     ("09.30", "09.45", "Rehat kopi", B, "Ballroom", [], None),
     ("09.45", "12.00", "Kebijakan tahapan penyelenggaraan Pilkada 2024", M, "Ballroom",
      [("kpu", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Pengawasan tahapan dan penanganan pelanggaran Pilkada", M, "Ballroom",
      [("bawaslu", N)], None),
     ("15.15", "16.45", "Diskusi: peta kerawanan Pilkada di 18 kecamatan",
      SessionKind.DISCUSSION, "Ballroom", [("kpu", N), ("bawaslu", N)], 2)],
    [("08.00", "10.15", "Mitigasi dan resolusi konflik sosial", M, "Ballroom",
      [("unhan", N)], None),
     ("10.15", "10.30", "Rehat kopi", B, "Ballroom", [], None),
     ("10.30", "12.00", "Komunikasi efektif dan komunikasi krisis", M, "Ballroom",
      [("unhan", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Pemetaan intelijen keamanan menjelang pemungutan suara", M,
      "Ballroom", [("bin", N)], None)],
    [("08.00", "10.15", "Penggunaan kekuatan secara proporsional dan penanganan massa", M,
      "Ballroom", [("polres", N)], None),
     ("10.15", "10.30", "Rehat kopi", B, "Ballroom", [], None),
     ("10.30", "12.00", "Penegakan hukum terhadap provokasi, hoaks dan kekerasan politik", M,
      "Ballroom", [("polres", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Pemantauan media sosial dan penanganan ujaran kebencian", M,
      "Ballroom", [("bin", N)], None)],
    [("08.00", "09.30", "Peran tokoh agama dan tokoh masyarakat sebagai mediator", M,
      "Ballroom", [("unhan", N)], None),
     ("09.30", "09.45", "Rehat kopi", B, "Ballroom", [], None),
     ("09.45", "12.00", "Simulasi penanganan potensi gangguan keamanan (bagian 1)",
      SessionKind.SIMULATION, "Ruang Diskusi 1", [("fasilitator", F), ("polres", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Simulasi penanganan potensi gangguan keamanan (bagian 2)",
      SessionKind.SIMULATION, "Ruang Diskusi 1", [("fasilitator", F), ("polres", N)], None),
     ("15.15", "16.45", "Diskusi kelompok: rencana kontinjensi kecamatan",
      SessionKind.DISCUSSION, "Ruang Diskusi 2", [("fasilitator", F)], 2)],
    [("08.00", "10.15", "Evaluasi simulasi dan rencana tindak lanjut", M, "Ballroom",
      [("fasilitator", F), ("unhan", N)], None),
     ("10.15", "10.30", "Rehat kopi", B, "Ballroom", [], None),
     ("10.30", "12.00", "Rencana tindak lanjut per kecamatan", SessionKind.DISCUSSION,
      "Ballroom", [("kpu", N), ("bawaslu", N)], 2),
     ("12.00", "12.45", "Post-test dan evaluasi penyelenggaraan", M, "Ballroom", [], None),
     ("12.45", "13.15", "Penutupan", SessionKind.CLOSING, "Ballroom", [("sekda", N)], None)],
]
