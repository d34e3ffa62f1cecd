"""The reference course's week of attendance: how often people are late, away, excused
or sick, where the scanners stood and what people wrote on their forms."""
from __future__ import annotations

from bimtek.attendance.models import AttendanceStatus

DEMO_ATTENDANCE_SEED = 20241101
DEMO_BELOW_THRESHOLD = 14  # away for whole days until their JP falls below the threshold
DEMO_DAY_OFF = 6  # excused for one whole day that the threshold still allows
DEMO_SESSION_MISS = 0.015  # anyone else's chance of missing a session
DEMO_HABITUALLY_LATE = 0.06  # share of people who are often late
DEMO_LATE = {False: 0.03, True: 0.3}  # chance of being late at a session, by habit
DEMO_SELF_CHECK_IN = 0.5  # participants with an account scan the room's code this often
# Where the scanners stand: two at the ballroom door, one at each discussion room.
DEMO_DESKS = {"Ballroom": ("Meja 1", "Meja 2"), "Ruang Diskusi 1": ("Meja 3",),
              "Ruang Diskusi 2": ("Meja 4",)}
# What people write on the izin and sakit forms, for one session and for whole days.
DEMO_SESSION_REASONS = {
    AttendanceStatus.IZIN: ("Dipanggil rapat oleh Camat", "Mengurus surat perjalanan dinas",
                            "Keperluan keluarga mendesak",
                            "Menerima tamu dinas dari kecamatan"),
    AttendanceStatus.SAKIT: ("Sakit kepala, istirahat di kamar",
                             "Sakit perut, berobat ke klinik hotel",
                             "Demam, diperiksa dokter hotel"),
}
DEMO_DAY_REASONS = {
    AttendanceStatus.IZIN: ("Dinas luar", "Dinas luar: pengawasan kampanye di kecamatan",
                            "Dinas luar: rapat pembentukan KPPS",
                            "Dinas luar: pengamanan kampanye pasangan calon",
                            "Keluarga meninggal dunia"),
    AttendanceStatus.SAKIT: ("Sakit demam, surat dokter", "Sakit diare, surat keterangan dokter",
                             "Sakit tifus, dirawat di rumah sakit"),
}
# An absence: izin or sakit with its reason, or None with "" for nobody saying anything.
Absence = tuple[AttendanceStatus | None, str]
