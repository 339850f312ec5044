"""The workshop app: a live, projected run of a medborgercenter for teaching.

``app/app.py`` is the Solara page (``python -m app`` starts it on 127.0.0.1),
``app/workshop.py`` the model the page re-creates on Reset, ``app/figures.py`` the
matplotlib drawings shared by the page and ``app/export.py`` (GIF/MP4 for slides),
``app/labels.py`` the Danish and English texts. See ``docs/workshop.md``.
"""
