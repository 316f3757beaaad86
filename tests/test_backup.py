"""`flask --app tracker backup PATH`: a consistent copy of the database."""

import sqlite3
import subprocess


def test_backup_copies_every_territory(app, runner, tmp_path):
    target = tmp_path / "copies" / "tracker-backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        copy = sqlite3.connect(target)
        count = copy.execute("select count(*) from territory where level='commune'").fetchone()
        assert count == (1503,)
    else:
        # pg_dump's custom format lists the table and its data.
        listing = subprocess.run(
            ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True
        ).stdout
        assert "TABLE DATA public territory" in listing


def test_backup_never_overwrites(runner, tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert target.read_text() == "keep me"
