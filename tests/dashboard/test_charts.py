"""Server-drawn SVG charts: accessible, escaped, readable with long Chinese labels."""

from decimal import Decimal

from programmes.charts import Series, bar_chart, fit, format_number, share_bar, text_width


def test_a_bar_chart_has_a_title_a_description_and_one_bar_per_value():
    svg = bar_chart(
        chart_id="c",
        title="Applications by region",
        labels=["嘉兴市", "宁波市"],
        series=[Series("Applications", [8, 1]), Series("Selected", [5, 1])],
    )

    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Applications by region</title>' in svg
    assert "嘉兴市: Applications 8, Selected 5; 宁波市: Applications 1, Selected 1" in svg
    assert svg.count("<rect") == 4 + 2  # four bars and two legend swatches


def test_labels_and_titles_are_escaped():
    svg = bar_chart(
        chart_id="x",
        title="<script>alert(1)</script>",
        labels=['<img src=x onerror="1">'],
        series=[Series("A&B", [1])],
    )

    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "A&amp;B" in svg


def test_an_empty_chart_says_so():
    svg = bar_chart(chart_id="e", title="Nothing", labels=[], series=[])

    assert "No data." in svg


def test_long_chinese_labels_are_cut_with_an_ellipsis_and_kept_whole_in_a_tooltip():
    label = "中央外经贸发展专项资金茧丝绸项目" * 2

    svg = bar_chart(chart_id="l", title="t", labels=[label], series=[Series("n", [3])])

    assert f"<title>{label}</title>" in svg
    assert fit(label, 240) in svg and fit(label, 240).endswith("…")
    # A Chinese character takes a full em; a Latin one a little over half.
    assert text_width("嘉兴", size=10) == 20
    assert text_width("ab", size=10) == 12


def test_a_share_bar_gives_each_part_its_share():
    svg = share_bar(chart_id="s", title="By status", labels=["Granted", "Draft"], values=[3, 1])

    assert "Granted: 3 (75%)" in svg and "Draft: 1 (25%)" in svg


def test_numbers_are_grouped_by_thousands_with_cents_only_when_present():
    assert format_number(7490000) == "7,490,000"
    assert format_number(Decimal("1234.50")) == "1,234.50"
    assert format_number(None) == "—"
