"""Config loading: every mistake names the file, the key and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import SETTINGS, load_config, load_settings, parse_duration, render_settings
from scraper.errors import ConfigError
from tests.conftest import write_site_file

REPO = Path(__file__).resolve().parent.parent

GOOD_SITE = """
name = "blog-fr"
start_urls = ["https://blog.example.fr/"]
every = "15m"
remove = [".share"]
[selectors]
title = "h1.entry-title"
date = "time.published@datetime"
[selectors.comment]
id = "@id"
text = ".comment-content"
"""


def test_shipped_settings_file_holds_every_default() -> None:
    shipped = REPO / "config" / "settings.toml"
    assert shipped.read_text(encoding="utf-8") == render_settings()
    assert load_settings(shipped).values == {s.key: s.default for s in SETTINGS}


def test_shipped_example_site_is_valid_and_disabled() -> None:
    result = CliRunner().invoke(cli, ["check", "--config", str(REPO / "config")])
    assert result.exit_code == 0, result.output
    assert "disabled (valid): example-blog" in result.output
    assert load_config(REPO / "config").sites == ()


def test_good_site_loads(config_dir: Path) -> None:
    write_site_file(config_dir, GOOD_SITE)
    config = load_config(config_dir)
    site = config.site("blog-fr")
    assert site is not None and site.every == 900
    assert site.selectors.date == "time.published@datetime"
    assert site.selectors.comment.id == "@id"
    assert config.site_for("https://blog.example.fr/2024/06/post") is site
    assert config.site_for("https://other.example/") is None


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ('name = "x"\nstart_urls = ["https://a.example/"]\ncolour = "red"', "colour", "unknown key"),
        ('name = "x"\nstart_urls = "https://a.example/"\nevery = 15', "every", "must be a duration"),
        ('name = "x"\nstart_urls = ["https://a.example/"]\nevery = "15 minutes"', "every", "bad duration"),
        ('name = "x"\nstart_urls = ["https://a.example/"]\ncron = "*/15 * * *"', "cron", "bad cron"),
        ('name = "x"\nstart_urls = ["https://a.example/"]\ncron = "61 * * * *"', "cron", "bad cron"),
        (
            'name = "x"\nstart_urls = ["https://a.example/"]\n[selectors]\ntitle = "h1[["',
            "selectors.title",
            "invalid CSS",
        ),
        (
            'name = "x"\nstart_urls = ["https://a.example/"]\n[selectors]\nheadline = "h1"',
            "selectors.headline",
            "unknown",
        ),
        (
            'name = "x"\nstart_urls = ["https://a.example/"]\n[selectors.comment]\ntext = 5',
            "selectors.comment.text",
            "CSS",
        ),
        ('name = "x"\nstart_urls = ["https://a.example/"]\nremove = ["div >"]', "remove[0]", "invalid CSS"),
        ('name = "x"\nstart_urls = ["ftp://a.example/"]', "start_urls[0]", "not an http(s) URL"),
        ('name = "x"\nstart_urls = ["https://a..example/"]', "start_urls[0]", "no usable host name"),
        ('name = "x"\nstart_urls = ["https://a.example/"]\nlang = "french"', "lang", "not a language code"),
        (
            'name = "x"\nstart_urls = ["https://a.example/"]\n[selectors]\ntitle = "h1"\nevery = "1h"',
            "selectors.every",
            "'every' is a top-level key: move it above the [selectors] header",
        ),
        ('name = "x"\nstart_urls = ["https://a.example/"]\n[selectors]\ntitle = "h1@"', "selectors.title", "after '@'"),
        ('start_urls = ["https://a.example/"]', "name", "missing"),
        ('name = "My Site"\nstart_urls = ["https://a.example/"]', "name", "lowercase"),
        ('name = "x"', "start_urls", "missing"),
        ('name = "x"\nstart_urls = ["https://a.example/"]\nallow_private = "yes"', "allow_private", "true or false"),
        (
            'name = "x"\nstart_urls = ["https://a.example/"]\narticle_pattern = "(unclosed"',
            "article_pattern",
            "regular",
        ),
        ('name = "x"\nstart_urls = ["https://a.example/"]\nevery = "1h"\ncron = "0 * * * *"', "every", "not both"),
    ],
)
def test_site_errors_name_file_key_and_reason(config_dir: Path, text: str, key: str, reason: str) -> None:
    path = write_site_file(config_dir, text)
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert info.value.path == str(path)
    assert info.value.key == key
    assert reason in info.value.reason
    assert str(path) in str(info.value) and key in str(info.value)


def test_invalid_toml_names_the_file(config_dir: Path) -> None:
    path = write_site_file(config_dir, 'name = "x"\nstart_urls = [')
    with pytest.raises(ConfigError, match="invalid TOML") as info:
        load_config(config_dir)
    assert info.value.path == str(path)


def test_skipping_broken_site_files_keeps_the_good_ones_and_names_the_broken(config_dir: Path) -> None:
    write_site_file(config_dir, GOOD_SITE, "a.toml")
    write_site_file(config_dir, 'name = "x"\nstart_urls = [', "unreadable.toml")
    write_site_file(config_dir, 'name = "zeitung"\nstart_urls = ["https://z.example/"]\nevery = "soon"\n', "z.toml")
    write_site_file(config_dir, GOOD_SITE, "copy.toml")  # a second file for the same site name
    (config_dir / "settings.toml").write_text("[crawl]\nmin_delay = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(config_dir)
    config = load_config(config_dir, skip_broken=True)
    [good] = config.sites
    assert config.settings.get("crawl.min_delay") == 0
    broken = [(b.name, b.error.key) for b in config.broken]
    assert broken == [(good.name, "name"), ("unreadable", None), ("zeitung", "every")]
    (config_dir / "settings.toml").write_text("[crawl]\nmin_delay = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"crawl\.min_delay"):  # settings bind every site: never skipped
        load_config(config_dir, skip_broken=True)


def test_duplicate_site_names(config_dir: Path) -> None:
    write_site_file(config_dir, GOOD_SITE, "a.toml")
    write_site_file(config_dir, GOOD_SITE, "b.toml")
    with pytest.raises(ConfigError, match="already defined"):
        load_config(config_dir)


def test_two_sites_starting_at_one_url(config_dir: Path) -> None:
    """The archive keeps each URL for one site, so a second site file starting at the same page (a
    copy kept under a new name) would crawl nothing; it is said, with both files."""
    write_site_file(config_dir, 'name = "lokal"\nstart_urls = ["https://news.example.com/"]\n', "lokal.toml")
    copy = write_site_file(config_dir, 'name = "news"\nstart_urls = ["https://NEWS.example.com"]\n', "news.toml")
    with pytest.raises(ConfigError, match=r"is a start URL of .*lokal\.toml too") as info:
        load_config(config_dir)
    assert info.value.path == str(copy) and info.value.key == "start_urls"
    write_site_file(config_dir, 'name = "news"\nstart_urls = ["https://news.example.com/lokal/"]\n', "news.toml")
    assert [s.name for s in load_config(config_dir).sites] == ["lokal", "news"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[fetch]\nmax_bytes = 'ten'", "fetch.max_bytes"),
        ("[fetch]\nuser_agnet = 'x'", "fetch.user_agnet"),
        ("[crawling]\nconcurrency = 2", "crawling"),
        ("[crawl]\nmin_delay = -1", "crawl.min_delay"),
        ("[crawl]\nrespect_robots = 1", "crawl.respect_robots"),
    ],
)
def test_settings_errors(config_dir: Path, text: str, key: str) -> None:
    (config_dir / "settings.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert info.value.key == key


def test_settings_override_defaults(config_dir: Path) -> None:
    (config_dir / "settings.toml").write_text("[fetch]\nconnect_timeout = 3\n", encoding="utf-8")
    settings = load_config(config_dir).settings
    assert settings.get("fetch.connect_timeout") == 3.0
    assert settings.get("fetch.read_timeout") == 30.0


def test_check_prints_one_line_and_exits_2(config_dir: Path) -> None:
    write_site_file(config_dir, 'name = "x"\nstart_urls = ["https://a.example/"]\nevery = "soon"')
    result = CliRunner().invoke(cli, ["check", "--config", str(config_dir)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "every" in lines[0] and "bad duration" in lines[0]
    assert "Traceback" not in result.output


def test_check_reads_env_var(config_dir: Path) -> None:
    write_site_file(config_dir, GOOD_SITE)
    result = CliRunner().invoke(cli, ["check"], env={"SCRAPER_CONFIG": str(config_dir)})
    assert result.exit_code == 0 and "blog-fr" in result.output


def test_check_on_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such config folder" in result.output


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("1h30m", 5400), ("2d", 172800)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "15", "m", "0s", "1y", "15 minutes"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_a_site_whose_start_urls_name_a_port_owns_that_port_only(config_dir: Path) -> None:
    """Two local sites on one host are told apart by port; start URLs on default or several ports
    leave the domain's every port to the site."""
    write_site_file(
        config_dir, 'name = "eight"\nstart_urls = ["http://127.0.0.1:8762/"]\nallow_private = true', "a.toml"
    )
    write_site_file(
        config_dir,
        'name = "both"\nstart_urls = ["http://10.1.1.1:81/", "http://10.1.1.1:82/"]\nallow_private = true',
        "b.toml",
    )
    write_site_file(config_dir, 'name = "plain"\nstart_urls = ["https://news.example/"]', "c.toml")
    config = load_config(config_dir)
    assert config.site_for("http://127.0.0.1:8762/2024/x.html").name == "eight"  # type: ignore[union-attr]
    assert config.site_for("http://127.0.0.1:8761/2024/x.html") is None
    assert config.site_for("http://10.1.1.1:83/x").name == "both"  # type: ignore[union-attr]
    assert config.site_for("https://news.example:8443/x").name == "plain"  # type: ignore[union-attr]
