"""Demo data: the reference course of docs/domain.md, a live batch of it, one account per
role, 400 made-up participants per course, the reference course's week of attendance and
its tabletop exercise. The fixed data is in `data/`; the modules here make it through the
services, and `seed` puts it all together for the seed-demo command.

The demo accounts are for trying the app only; the README says so.
"""
