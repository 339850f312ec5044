"""The workshop app: a live, projected run of a medborgercenter for teaching.

``app/app.py`` is the Solara page (``python -m app`` starts it on 127.0.0.1),
``app/workshop.py`` the model the page re-creates on Reset (with its untouched twin),
``app/network.py`` the network as SVG and :func:`app.network.edges_of`, the app's only
reader of pair state, ``app/layout.py`` the fixed positions, ``app/figures.py`` the
matplotlib charts shared by the page and ``app/export.py`` (GIF/MP4 for slides),
``app/labels.py`` the Danish and English texts. See ``docs/workshop.md``.
"""
