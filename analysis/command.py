"""The ``hailong analyze`` command: design-based estimates from a CSV file.

Registered in the ``hailong`` group with ``cli.add_command(analyze)``; also runs as
``python -m analysis.command``.
"""

from __future__ import annotations

import click

from analysis.command_data import read_table
from analysis.command_design import DesignOptions, build_design
from analysis.command_output import render
from analysis.command_statistics import PROPORTION_METHODS, Request, run_requests

STATISTICS = ("mean", "total", "proportion", "ratio", "index")


def _remember_order(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]):
    """Record the order in which the statistic options first appear on the command line."""
    if value:
        ctx.meta.setdefault("analyze.order", []).append(param.name)
    return value


def _statistic(name: str, metavar: str, help_text: str):
    """Declare one repeatable statistic option."""
    return click.option(
        f"--{name}", name, multiple=True, metavar=metavar, callback=_remember_order, help=help_text
    )


@click.command("analyze")
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("--weight", metavar="COL", help="Cột trọng số / sampling weight column.")
@click.option("--strata", metavar="COL", help="Cột tầng / stratum column.")
@click.option("--cluster", "clusters", multiple=True, metavar="COL",
              help="Cột cụm, mỗi giai đoạn một lần / cluster column, once per stage in order "
                   "(first = PSU), nested within strata.")
@click.option("--fpc", multiple=True, metavar="COL",
              help="Cột cỡ tổng thể / population count (or sampling fraction) column, once per stage.")
@click.option("--lonely-psu", type=click.Choice(["fail", "remove", "adjust", "average", "certainty"]),
              default="fail", show_default=True, help="Tầng chỉ có một PSU / what to do with a stratum holding one PSU.")
@click.option("--replicates", type=click.Choice(["jk1", "jkn", "bootstrap"]),
              help="Phương sai bằng trọng số lặp / replicate-weight variance instead of linearization.")
@click.option("--replicate-count", type=click.IntRange(min=2), metavar="N",
              help="Số lần lặp bootstrap / number of bootstrap replicates.")
@click.option("--seed", type=int, metavar="N", help="Hạt giống bootstrap / seed of the bootstrap.")
@click.option("--poststratify", metavar="COL=MARGINS.csv", help="Hậu phân tầng / post-stratify to population counts.")
@click.option("--rake", multiple=True, metavar="COL=MARGINS.csv", help="Cân chỉnh theo biên / rake to population margins.")
@click.option("--calibrate", multiple=True, metavar="COL=MARGINS.csv|COL=TOTAL",
              help="Hiệu chỉnh tuyến tính / linear (GREG) calibration to counts or a numeric total.")
@click.option("--trim", metavar="LOW,HIGH", help="Cắt trọng số / trim weights to [LOW, HIGH], keeping their total.")
@_statistic("mean", "COL", "Trung bình / mean of a numeric column.")
@_statistic("total", "COL", "Tổng / total of a numeric column.")
@_statistic("proportion", '"COL OP VALUE"', "Tỉ lệ / share with COL OP VALUE (OP: = != < <= > >= in).")
@_statistic("ratio", "NUM/DEN", "Tỉ số / ratio of the totals of two columns.")
@_statistic("index", '"NAME=mean(P; P; ...)"', "Chỉ số / 100 x the mean of several proportions.")
@click.option("--by", metavar="COL[,COL]", help="Theo nhóm / estimate for every combination of these columns.")
@click.option("--ci", type=click.Choice(PROPORTION_METHODS),
              help="Khoảng tin cậy / interval: t (default) or z for all; a proportion method "
                   "(default beta) for proportions.")
@click.option("--level", type=float, default=0.95, show_default=True, help="Mức tin cậy / confidence level.")
@click.option("--format", "form", type=click.Choice(["json", "csv", "table"]), default="table",
              show_default=True, help="Định dạng / output format.")
@click.pass_context
def analyze(ctx: click.Context, data: str, by: str | None, ci: str | None, level: float, form: str,
            **options) -> None:
    """Ước lượng trung bình, tổng, tỉ lệ, tỉ số và chỉ số từ DATA.csv, kèm khoảng tin cậy.

    Estimate means, totals, proportions, ratios and indices of DATA.csv with intervals.
    """
    order = ctx.meta.get("analyze.order", [])
    requests = [Request(kind, text) for kind in order for text in options.pop(kind)]
    for kind in STATISTICS:
        options.pop(kind, None)
    if not requests:
        raise click.UsageError("chưa chọn thống kê / give at least one of --mean, --total, "
                               "--proportion, --ratio, --index")
    try:
        table = read_table(data)
        by_columns = [column.strip() for column in by.split(",")] if by else []
        for column in by_columns:
            table.require(column)
        design = build_design(table, DesignOptions(**options))
        estimates = run_requests(table, design, requests, by_columns, ci=ci, level=level)
    except ValueError as error:
        click.echo(f"Lỗi / Error: {error}", err=True)
        ctx.exit(2)
    click.echo(render(estimates, form))


if __name__ == "__main__":
    analyze()
