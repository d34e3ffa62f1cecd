import pytest


@pytest.fixture(autouse=True)
def _own_files_folder(request, tmp_path, monkeypatch):
    """Each test renders into a folder of its own: course ids come back after the tables
    are emptied, and another test's PDFs must not count as already rendered."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
