"""The freshness check with a watcher (`airesearch watch`) and without, on a
tree of many small posts, as ratios measured in the same run:

  (a) today's check: `find -newer STAMP` (stamp.start_quick_check with the
      watcher not asked), in process, median          -> reference
  (b) the same check answered by a running watcher    -> goal <= 10 ms at 250,000
  (c) `airesearch search QUERY --json`, whole process, without a watcher and
      with one (medians)                              -> goal: with <= without
  watcher: resident memory (goal <= 100 MB at 250,000 files), CPU used in
  --rest seconds doing nothing (goal ~0), seconds to start (walk + find)

With --search FOLDER (an indexed corpus, e.g. corpus-copies 100 or corpus-mix
25000): the five queries of speed.py, whole process, with a watcher and
without, against `rg -c` (goal with a watcher <= 0.3 x rg).

The tree (--files posts in folders of --per-folder, three sentences each drawn from
word lists, so that no passage is the blog's template) and its index are made
once under --tree and reused.

Usage: python benchmarks/watch.py [--files 250000] [--per-folder 500]
       [--tree /tmp/watch-tree]
       [--runs 7] [--rest 10] [--search FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import DEFAULT_QUERIES, airesearch, timed  # noqa: E402

from airesearch.index import stamp, watched  # noqa: E402
from airesearch.index.stamp import index_path_for  # noqa: E402
from airesearch.output.readable import pad_to  # noqa: E402

COMPANIES = "NVIDIA OpenAI Microsoft Google Amazon Meta Oracle AMD Intel Broadcom \
ソフトバンク さくらインターネット ハイレゾ KDDI NTT 富士通 日立 NEC TSMC Samsung \
CoreWeave Nscale Anthropic xAI Mistral Cohere Tesla Apple IBM Dell HPE Arm \
Qualcomm Micron Cisco Equinix Digital_Realty".split()
THINGS = "データセンター GPU 電力 冷却 半導体 光電融合 液浸冷却 生成AI 推論 学習 \
送電網 原子力 HBM ネットワーク ストレージ 量子計算 クラウド 基盤モデル 規制 人材 \
工場 用地 水資源 サーバー ラック 変電所 蓄電池 太陽光 風力 地熱 海底ケーブル \
衛星 ロボット 自動運転 医療 金融 教育 行政 防衛 農業 物流".split()
PLACES = "東京 大阪 北海道 石狩 福岡 沖縄 京都 札幌 仙台 名古屋 広島 熊本 \
米国 テキサス バージニア オレゴン 欧州 ノルウェー アイルランド ドイツ フランス \
英国 インド シンガポール マレーシア 台湾 韓国 中国 豪州 中東 サウジアラビア UAE \
ブラジル メキシコ カナダ チリ 南アフリカ ケニア エジプト トルコ".split()


def post(n: int) -> str:
    company, thing = COMPANIES[n % len(COMPANIES)], THINGS[n // 7 % len(THINGS)]
    place = PLACES[n // 311 % len(PLACES)]
    return (
        f"---\ntitle: 記事{n}\ndate: 2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n---\n"
        f"{company}は{place}で{thing}の計画を進める。{thing}と{place}の関係は"
        f"記事{n % 997}で触れた。{company}の{n % 89}回目の発表だ。\n"
    )


def make_tree(tree: Path, files: int, per_folder: int) -> Path:
    """The tree of posts and its index, made once (a marker says how many)."""
    corpus = tree / "corpus"
    marker = tree / f"made-{files}-{per_folder}"
    index = tree / "index.sqlite"
    if not marker.exists():
        shutil.rmtree(tree, ignore_errors=True)
        started = time.perf_counter()
        for n in range(files):
            folder = corpus / f"f{n // per_folder:05d}"
            if n % per_folder == 0:
                folder.mkdir(parents=True)
            (folder / f"p{n:06d}.md").write_text(post(n), encoding="utf-8")
        old = time.time() - 3600  # older than any stamp by more than its margin
        for path in corpus.rglob("*"):
            os.utime(path, (old, old))
        os.utime(corpus, (old, old))
        print(f"made {files:,} posts in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        done = subprocess.run(
            airesearch("index", "--corpus", str(corpus), "--index", str(index)),
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"watch.py: the build failed:\n{done.stderr}")
        print(f"indexed in {time.perf_counter() - started:.0f} s")
        marker.touch()
    return corpus


def check_seconds(corpus: str, index: str, ask_watcher: bool, runs: int) -> float:
    """Median seconds of one freshness check, in process."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        check = stamp.start_quick_check(corpus, index, False, ask_watcher=ask_watcher)
        answer = check.answer()
        times.append(time.perf_counter() - started)
        if answer is not False:
            sys.exit(f"watch.py: the check says {answer!r} of an unchanged corpus")
    return statistics.median(times)


def start_watcher(corpus: str, index: str) -> tuple[subprocess.Popen, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        airesearch("watch", "--corpus", corpus, "--index", index),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    while watched.ask(index) is None:
        if process.poll() is not None:
            sys.exit(f"watch.py: the watcher ended:\n{process.stderr.read().decode()}")
        time.sleep(0.01)
    return process, time.perf_counter() - started


def proc_status(pid: int) -> dict[str, int]:
    with open(f"/proc/{pid}/status") as handle:
        fields = dict(line.split(":", 1) for line in handle)
    return {key: int(fields[key].split()[0]) for key in ("VmRSS", "VmHWM")}


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def searches(corpus: str, index: str | None, queries, runs: int) -> list[float]:
    """Median whole-process seconds of each query."""
    where = ["--corpus", corpus] + (["--index", index] if index else [])
    medians = []
    for query in queries:
        command = airesearch("search", query, *where, "--json")
        timed(command)
        medians.append(statistics.median(timed(command)[0] for _ in range(runs)))
    return medians


def tree_figures(args) -> None:
    corpus = str(make_tree(args.tree, args.files, args.per_folder).resolve())
    index = str(args.tree / "index.sqlite")
    query = ["データセンター"]
    without = check_seconds(corpus, index, False, args.runs)
    search_without = searches(corpus, index, query, args.runs)[0]
    process, start_seconds = start_watcher(corpus, index)
    try:
        with_watcher = check_seconds(corpus, index, True, args.runs * 20)
        search_with = searches(corpus, index, query, args.runs)[0]
        before = cpu_seconds(process.pid)
        time.sleep(args.rest)
        at_rest = cpu_seconds(process.pid) - before
        memory = proc_status(process.pid)
        status = json.loads(watched.ask(index, watched.STATUS_REQUEST))
        # Sanity: a change is heard, by the watcher and by find alike.
        changed = Path(corpus) / "f00000" / "p000000.md"
        changed.write_text(post(0) + "追記。\n", encoding="utf-8")
        heard = stamp.start_quick_check(corpus, index, False).answer()
        found = stamp.start_quick_check(corpus, index, False, False).answer()
        changed.write_text(post(0), encoding="utf-8")
        old = time.time() - 3600
        os.utime(changed, (old, old))
        os.utime(changed.parent, (old, old))
    finally:
        process.terminate()
        process.wait(30)
    search_again = searches(corpus, index, query, args.runs)[0]
    search_without = min(search_without, search_again)
    print(f"tree: {args.files:,} posts in {status['folders']:,} folders")
    print(f"  (a) find -newer, in process        {without * 1000:8.1f} ms")
    print(f"  (b) watcher's answer, in process {with_watcher * 1000:8.2f} ms"
          f"   (b)/(a) = {with_watcher / without:.4f}; goal: (b) <= 10 ms")  # fmt: skip
    print(f"  (c) search, whole process: without {search_without:.3f} s,"
          f" with a watcher {search_with:.3f} s"
          f"   ratio {search_with / search_without:.2f}")  # fmt: skip
    print(f"  watcher: {memory['VmRSS'] / 1024:.1f} MB resident"
          f" (peak {memory['VmHWM'] / 1024:.1f} MB; goal <= 100),"
          f" {at_rest:.2f} CPU s in {args.rest:g} s at rest,"
          f" {start_seconds:.2f} s to start")  # fmt: skip
    print(f"  a change heard: watcher {heard}, find {found}")


def search_figures(args) -> None:
    corpus = str(args.search.resolve())
    index = index_path_for(
        corpus, None, os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    )
    queries = DEFAULT_QUERIES
    rg = []
    for query in queries:
        command = ["rg", "-c", query, corpus]
        timed(command)
        rg.append(statistics.median(timed(command)[0] for _ in range(args.runs)))
    without = searches(corpus, None, queries, args.runs)
    process, _ = start_watcher(corpus, index)
    try:
        with_watcher = searches(corpus, None, queries, args.runs)
    finally:
        process.terminate()
        process.wait(30)
    print(f"search at {args.search} (whole process, median of {args.runs}):")
    header = pad_to("query", 14, right=False)
    print(f"  {header} {'rg -c':>7} {'without':>8} {'watcher':>8}"
          f" {'without/rg':>10} {'watcher/rg':>10}")  # fmt: skip
    for query, r, w, v in zip(queries, rg, without, with_watcher, strict=True):
        print(f"  {pad_to(query, 14, right=False)} {r:7.3f} {w:8.3f} {v:8.3f}"
              f" {w / r:10.2f} {v / r:10.2f}   goal: watcher/rg <= 0.3")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=250_000)
    parser.add_argument("--per-folder", type=int, default=500)
    parser.add_argument("--tree", type=Path, default=Path("/tmp/watch-tree"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rest", type=float, default=10.0)
    parser.add_argument("--search", type=Path)
    args = parser.parse_args()
    # A user's install has its bytecode written (pip compiles it); timing
    # Python compiling our modules on every run measures nothing of ours.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.search:
        search_figures(args)
    else:
        tree_figures(args)


if __name__ == "__main__":
    main()
