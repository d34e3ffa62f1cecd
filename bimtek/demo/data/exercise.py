"""The reference course's tabletop simulation: the scenario of docs/domain.md (two
candidate pairs' big rallies on one day about 10 km apart, a hoax about ballot tampering,
a provocation in a village, unrest after the result), played by teams of the participants
checked in to the simulation session, rated by two evaluators and written up in an
after-action report. The same every time: no randomness, fixed times.
"""
from __future__ import annotations

from datetime import date, time
from typing import NamedTuple

from bimtek.exercises.models import Delivery

# The second evaluator beside the demo facilitator (listed in the README's demo logins).
DEMO_EVALUATOR = ("penilai@bimtek.test", "Penilai Simulasi Unhan")
DEMO_TEAMS = 8
# When the exercise started, in the course's zone, on the day of its session.
DEMO_START = time(9, 50)
DEMO_END_MINUTE = 120

DEMO_TITLE = "Simulasi Penanganan Potensi Gangguan Keamanan Pilkada Kutai Timur 2024"
DEMO_SCENARIO = """\
Kabupaten Kutai Timur, masa kampanye Pilkada 2024. Jumat, lima hari sebelum pemungutan \
suara (H-5), kedua pasangan calon bupati menggelar kampanye akbar pada hari yang sama: \
Paslon 01 di Lapangan Bukit Pelangi, Sangatta Utara, pukul 08.00–11.00 WITA, dan Paslon 02 \
di Lapangan Sangatta Selatan pukul 13.00–16.00 WITA, sekitar 10 km dari lokasi pertama. \
Masing-masing memperkirakan 5.000 pendukung yang datang dengan konvoi kendaraan; rute \
pulang massa Paslon 01 dan rute datang massa Paslon 02 bersilangan di Simpang Tiga \
Sangatta Lama.

Logistik pemilihan sudah berada di gudang PPK. Di media sosial beredar hoaks tentang kotak \
suara yang dibuka, dan di sebuah desa di Kecamatan Kaliorang muncul provokasi bernuansa \
SARA. Latihan berlanjut ke H+7, ketika KPU Kutai Timur mengumumkan hasil rekapitulasi dan \
pendukung pasangan yang kalah mengerahkan massa.

Setiap tim berperan sebagai posko terpadu kecamatan yang beranggotakan unsur Kesbangpol, \
Satpol PP, perangkat kecamatan, PPK, PPS dan Panwaslu Kecamatan. Tim menjawab setiap \
inject dengan langkah yang diambil, pihak yang dihubungi dan laporan yang dikirim."""


class DemoObjective(NamedTuple):
    title: str
    capability: str
    points: str  # what evaluators look for
    strengths: str
    improvements: str


class DemoInject(NamedTuple):
    number: int
    scenario_time: str
    minute: int  # planned offset
    delivery: Delivery
    sender: str
    targets: list[int] | None  # team numbers, None for all teams
    message: str
    expected: str
    objective: int  # number
    answers: tuple[str, str]  # odd teams answer with the first, even teams the second


DEMO_OBJECTIVES = [DemoObjective(*fields) for fields in [
    ("Koordinasi lintas instansi pengamanan kampanye", "Koordinasi operasional",
     "Menghubungi Polsek, Koramil, PPK, Panwaslu dan LO tim kampanye\n"
     "Memastikan jadwal dan rute konvoi tidak bertemu\n"
     "Menetapkan posko bersama dan satu jalur komunikasi",
     "Semua tim segera menghubungi Polsek dan penghubung (LO) kedua tim kampanye.\n"
     "Tim 1 dan Tim 3 mengusulkan rute alternatif konvoi lengkap dengan titik penyekatan.",
     "Pembagian peran antara Satpol PP dan Polsek di simpang jalan belum jelas.\n"
     "Sebagian tim tidak melibatkan Dinas Perhubungan dalam pengalihan arus."),
    ("Deteksi dini dan pelaporan berjenjang", "Intelijen dan pelaporan situasi",
     "Mengenali tanda kerawanan sebelum kejadian\n"
     "Melapor ke Kesbangpol dan Polres tepat waktu\n"
     "Laporan situasi memuat apa, di mana, kapan, siapa, langkah dan kebutuhan",
     "Provokasi di desa dilaporkan ke Kesbangpol dan Polsek dalam hitungan menit.\n"
     "Laporan situasi Tim 1 lengkap dan menjadi contoh bagi tim lain.",
     "Beberapa laporan terlambat karena menunggu keputusan ketua tim.\n"
     "Format laporan situasi (lapsit) belum seragam antarkecamatan."),
    ("Penanganan hoaks dan komunikasi publik", "Informasi publik dan peringatan",
     "Memverifikasi informasi ke PPK dan KPU sebelum bereaksi\n"
     "Menyiapkan klarifikasi resmi bersama KPU dan Bawaslu\n"
     "Melaporkan akun penyebar ke patroli siber",
     "Tim memverifikasi kabar kotak suara dibuka langsung ke Ketua PPK.\n"
     "Usulan pengecekan segel yang disaksikan Panwaslu dan saksi paslon.",
     "Klarifikasi resmi baru terbit lebih dari satu jam setelah hoaks beredar.\n"
     "Belum ada satu juru bicara bersama Pemkab, KPU, Bawaslu dan Polres."),
    ("Pengendalian massa dan mediasi konflik", "Keamanan dan ketertiban",
     "Memisahkan massa dengan penyekatan dan kekuatan yang proporsional\n"
     "Melibatkan tokoh agama dan tokoh adat sebagai mediator\n"
     "Menjelaskan jalur sengketa hasil kepada massa",
     "Tokoh agama dan tokoh adat dilibatkan sejak awal di Desa Bukit Makmur.\n"
     "Dialog perwakilan massa dengan KPU dan Bawaslu diusulkan sebelum penindakan.",
     "Permintaan bantuan personel Polres diajukan setelah massa bertemu.\n"
     "Jalur sengketa hasil ke Mahkamah Konstitusi jarang disampaikan kepada massa."),
]]

DEMO_INJECTS = [DemoInject(*fields) for fields in [
    (1, "H-5 06.30", 0, Delivery.MESSAGE, "Kepala Kesbangpol Kutai Timur", None,
     "Hari ini dua pasangan calon menggelar kampanye akbar: Paslon 01 di Lapangan Bukit "
     "Pelangi, Sangatta Utara, pukul 08.00–11.00 WITA dan Paslon 02 di Lapangan Sangatta "
     "Selatan pukul 13.00–16.00 WITA, sekitar 10 km terpisah. Masing-masing memperkirakan "
     "5.000 pendukung dengan konvoi kendaraan. Susun langkah koordinasi pengamanan di "
     "wilayah Saudara dan laporkan dalam 15 menit.",
     "Menghubungi Polsek, Koramil, PPK, Panwaslu Kecamatan dan LO kedua tim kampanye; "
     "memastikan jadwal dan rute konvoi tidak bertemu; menetapkan posko bersama.", 1,
     ("Kami membuka posko terpadu di kantor kecamatan. Polsek, Koramil dan Panwaslu "
      "Kecamatan sudah dihubungi; LO kedua paslon diminta mengirim rute konvoi sebelum "
      "pukul 07.30.",
      "Rapat singkat dengan Kapolsek dan Danramil pukul 07.00. Disepakati massa Paslon 01 "
      "pulang lewat Jalan Soekarno-Hatta, massa Paslon 02 datang lewat Jalan Yos Sudarso "
      "setelah pukul 12.00.")),
    (2, "H-5 07.45", 8, Delivery.PHONE, "Kapolsek Sangatta Utara", None,
     "Tim kampanye Paslon 02 mendadak memajukan konvoi ke pukul 10.30 dan lewat Jalan Yos "
     "Sudarso, padahal massa Paslon 01 pulang lewat jalan yang sama mulai pukul 11.00. "
     "Kedua konvoi bisa bertemu di Simpang Tiga Sangatta Lama. Kami butuh dukungan "
     "personel Satpol PP dan komunikasi dengan LO kedua paslon.",
     "Meminta LO Paslon 02 kembali ke jadwal atau memakai rute lain; mengatur penyekatan "
     "bersama Polsek dan Dishub; menempatkan Satpol PP di simpang; melapor ke Kesbangpol "
     "dan Bawaslu.", 1,
     ("LO Paslon 02 sudah kami telepon dan setuju konvoi menunggu sampai pukul 12.00 di "
      "titik kumpul Masjid Agung. Dua regu Satpol PP kami geser ke Simpang Tiga.",
      "Kami minta Dishub memasang rambu pengalihan di Jalan Yos Sudarso dan melaporkan "
      "perubahan jadwal ke Bawaslu sebagai dugaan pelanggaran jadwal kampanye.")),
    (3, "H-5 09.10", 16, Delivery.SOCIAL, "Admin akun Facebook 'Kutim Bersatu'", None,
     "VIRAL!!! Kotak suara di gudang PPK Sangatta Selatan sudah dibuka tadi malam, surat "
     "suara sudah dicoblos untuk paslon tertentu!!! Ini fotonya. Bagikan sebelum dihapus! "
     "#KutimMemilih #SelamatkanSuaraRakyat",
     "Tidak ikut membagikan; memverifikasi ke Ketua PPK dan KPU Kutai Timur; menyiapkan "
     "klarifikasi resmi bersama KPU dan Bawaslu; melaporkan akun ke patroli siber.", 3,
     ("Kami menelepon Ketua PPK Sangatta Selatan untuk memastikan kondisi gudang dan "
      "melaporkan akun 'Kutim Bersatu' ke patroli siber Polres Kutai Timur. Anggota tim "
      "diminta tidak membagikan unggahan itu.",
      "Foto di unggahan ternyata foto lama dari pemilu 2019 (dicek lewat pencarian "
      "gambar). Kami siapkan draf klarifikasi untuk KPU dan Bawaslu Kutai Timur.")),
    (4, "H-5 09.25", 25, Delivery.PHONE, "Ketua PPK Sangatta Selatan", [1, 2, 3, 4],
     "Gudang logistik kami aman: segel utuh, dijaga Linmas dan anggota Polsek sejak "
     "logistik datang. Tetapi sejak pagi sekitar 40 orang berkumpul di depan gudang ingin "
     "melihat kotak suara, sebagian merekam dengan ponsel. Apa yang harus kami lakukan?",
     "Gudang tidak dibuka tanpa prosedur; pengecekan segel terbuka disaksikan Panwaslu "
     "Kecamatan dan saksi paslon; hasilnya diumumkan; tambahan pengamanan diminta.", 3,
     ("Jangan buka gudang. Kami undang Panwaslu Kecamatan dan saksi kedua paslon untuk "
      "melihat segel dari luar pukul 10.00, lalu hasilnya diumumkan lewat akun resmi "
      "KPU.",
      "Kami minta Polsek menambah dua personel di gudang dan Satpol PP mengatur warga "
      "agar tidak menutup jalan. Camat akan menemui warga yang berkumpul.")),
    (5, "H-5 09.50", 35, Delivery.FIELD_REPORT,
     "Kepala Desa Bukit Makmur, Kecamatan Kaliorang", [5, 6, 7, 8],
     "Pagi ini terpasang spanduk bernada SARA yang menyerang Paslon 02 di depan balai "
     "desa. Pemuda dari dua kampung saling tuding dan berkumpul di pertigaan desa, "
     "sebagian membawa senjata tajam. Tokoh agama setempat bersedia membantu menenangkan.",
     "Melapor segera ke Kesbangpol, Polsek dan Koramil; menurunkan spanduk bersama "
     "Satpol PP dan Panwaslu; melibatkan tokoh agama dan tokoh adat untuk mediasi; "
     "mengamankan bukti.", 2,
     ("Sudah dilaporkan ke Kesbangpol dan Polsek Kaliorang pukul 09.55. Panwaslu "
      "Kecamatan memotret spanduk sebagai bukti sebelum diturunkan Satpol PP.",
      "Kami minta Kepala Desa mengumpulkan tokoh agama dan ketua RT kedua kampung di "
      "masjid desa; Babinsa dan Bhabinkamtibmas diminta hadir.")),
    (6, "H-5 10.35", 45, Delivery.MESSAGE, "Danru Satpol PP Pos Simpang Tiga Sangatta Lama",
     None,
     "Konvoi Paslon 02 sudah tiba di simpang, massa Paslon 01 mulai pulang dari arah Bukit "
     "Pelangi. Jarak kedua rombongan kurang dari 500 meter. Ada lemparan botol air mineral "
     "dari belakang konvoi. Personel kami di pos hanya 12 orang.",
     "Memisahkan kedua massa dengan penyekatan; meminta korlap dan LO menahan massanya; "
     "kekuatan yang proporsional; meminta bantuan Polres; melapor berkala.", 4,
     ("Korlap kedua massa kami hubungi lewat LO; konvoi Paslon 02 diarahkan berhenti di "
      "depan SPBU. Kami minta Polres mengirim satu peleton Dalmas.",
      "Personel Satpol PP membentuk pagar betis tanpa pentungan; pelempar botol "
      "diserahkan ke Polsek. Laporan situasi dikirim ke Kesbangpol tiap 15 menit.")),
    (7, "H-5 11.20", 58, Delivery.NEWS, "Portal berita 'Kutim Terkini'", None,
     "Berita daring: 'Bentrok Kecil Warnai Kampanye Akbar di Sangatta, Warganet Soroti "
     "Dugaan Kotak Suara Dibuka'. Artikel sudah dibagikan 3.200 kali dan mengutip akun "
     "anonim.",
     "Menyampaikan fakta terverifikasi kepada redaksi; meminta hak jawab; menyelaraskan "
     "pernyataan Pemkab, KPU, Bawaslu dan Polres lewat satu juru bicara.", 3,
     ("Kami kirim hak jawab ke redaksi berisi hasil pengecekan segel gudang PPK dan "
      "keterangan Polsek tentang insiden di simpang.",
      "Kami usulkan konferensi pers bersama Pemkab, KPU, Bawaslu dan Polres pukul 13.00 "
      "dengan Kabag Pemerintahan sebagai juru bicara.")),
    (8, "H+7 14.00", 70, Delivery.FIELD_REPORT, "Kapolsek Sangatta Selatan", None,
     "Usai rapat pleno rekapitulasi KPU Kutai Timur menetapkan hasil, sekitar 300 "
     "pendukung paslon yang kalah berkumpul di depan kantor KPU menuntut penghitungan "
     "ulang. Sebagian membakar ban di jalan dan mencoba mendorong pagar.",
     "Mengamankan kantor KPU; membuka dialog perwakilan massa dengan KPU dan Bawaslu; "
     "menjelaskan jalur sengketa hasil ke Mahkamah Konstitusi; menghindari tindakan "
     "represif yang tidak perlu.", 4,
     ("Kami minta lima perwakilan massa diterima Ketua KPU dan Ketua Bawaslu; Satpol PP "
      "dan Damkar memadamkan ban. Massa diberi penjelasan tentang permohonan sengketa "
      "ke Mahkamah Konstitusi.",
      "Tokoh agama dan tokoh adat diminta hadir menenangkan massa; Polres menjaga pagar "
      "dengan tameng tanpa gas air mata.")),
    (9, "H+7 14.40", 82, Delivery.SOCIAL, "Akun TikTok @suarakutim_official", [2, 4, 6, 8],
     "Siaran langsung dengan 1.500 penonton: 'Hasil sudah diatur! Malam ini kita kepung "
     "rumah Ketua KPU, bawa keluarga semua!' Komentar penonton menyebut alamat rumah "
     "Ketua KPU Kutai Timur.",
     "Melapor segera ke Polres dan Kesbangpol; meminta pengamanan rumah Ketua KPU; "
     "menyimpan bukti siaran; menyiapkan imbauan dari tokoh masyarakat.", 2,
     ("Rekaman layar siaran kami simpan dan kirim ke Kesbangpol dan patroli siber Polres. "
      "Kami minta pengamanan rumah Ketua KPU malam ini.",
      "Kami hubungi Ketua FKUB untuk merekam imbauan damai yang disebarkan lewat grup "
      "WhatsApp RT dan akun resmi Pemkab.")),
    (10, "H+7 15.30", 95, Delivery.MESSAGE, "Sekretaris Kabupaten Kutai Timur", None,
     "Bupati meminta laporan situasi terkini dari setiap posko dalam 15 menit untuk rapat "
     "Forkopimda: kejadian, langkah yang sudah diambil, kebutuhan dukungan dan "
     "rekomendasi.",
     "Laporan situasi singkat: apa, di mana, kapan, siapa, langkah yang diambil, "
     "kebutuhan dan rekomendasi; dikirim tepat waktu.", 2,
     ("Lapsit: massa di kantor KPU berangsur bubar pukul 15.10 setelah dialog; dua orang "
      "diamankan Polsek. Kebutuhan: patroli gabungan malam ini. Rekomendasi: juru bicara "
      "tunggal Forkopimda.",
      "Situasi kondusif, ancaman di media sosial sudah dilaporkan ke Polres. Kami "
      "rekomendasikan siaga posko sampai penetapan pasangan calon terpilih.")),
]]

# Each team answers after its own delay (minutes), so some answers come after the next
# inject arrived and are marked late; and each team lets one or two injects go unanswered.
DEMO_DELAYS = (3, 5, 7, 12)
# What teams add to an answer, so that no two teams' answers read the same.
DEMO_FOLLOW_UPS = ("", "Camat sudah kami laporkan.", "Dokumentasi dikirim ke grup posko.",
                   "Menunggu arahan Kesbangpol.", "Perkembangan kami laporkan tiap 30 menit.")
DEMO_UNANSWERED = 5  # team number + inject number divisible by it: no response

# The two evaluators' ratings come from one scale position per objective and team; the
# second evaluator sees some cells one step better.
DEMO_SCALE = "PSSPSMSSMU"
DEMO_NOTES = {
    "good": ("Jadwal dan rute konvoi dipastikan sejak awal.",
             "Laporan dikirim cepat dan lengkap.",
             "Verifikasi ke PPK sebelum menanggapi.",
             "Tokoh masyarakat dilibatkan sebelum penindakan."),
    "weak": ("Belum menghubungi LO tim kampanye.",
             "Laporan situasi terlambat dan tanpa rekomendasi.",
             "Ikut menyebarkan unggahan sebelum diverifikasi.",
             "Mengusulkan pembubaran paksa tanpa dialog."),
}

# (action, responsible institution, due date, objective number)
DEMO_ACTIONS = [
    ("Menyusun SOP bersama pengamanan kampanye yang memuat pembagian jadwal, rute konvoi "
     "dan titik penyekatan.", "Kesbangpol Kabupaten Kutai Timur", date(2024, 11, 12), 1),
    ("Menetapkan format tunggal laporan situasi (lapsit) dan melatih PPK serta Panwaslu "
     "Kecamatan menggunakannya.", "KPU Kabupaten Kutai Timur dan Bawaslu Kabupaten Kutai "
     "Timur", date(2024, 11, 15), 2),
    ("Membentuk tim patroli siber bersama dan kanal klarifikasi resmi hoaks Pilkada.",
     "Dinas Komunikasi dan Informatika Kabupaten Kutai Timur", date(2024, 11, 18), 3),
    ("Memetakan tokoh agama dan tokoh adat di desa rawan dan mengundang mereka ke "
     "posko kecamatan sebagai mediator.", "Bagian Pemerintahan Sekretariat Kabupaten "
     "Kutai Timur", date(2024, 11, 22), 4),
]
