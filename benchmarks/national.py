"""Write the national-scale benchmark dataset as Parquet (deterministic, a few seconds).

150 fictional areas over 20 reporting years (2005/06 to 2024/25): about 70,000
notifications and reviews, births by area x calendar year x deprivation quintile
(about 590,000 a year) and children by area x calendar year x age group (about 12
million). Run with ``python benchmarks/national.py [OUT_DIR]`` (default
``benchmarks/_data/national/``, which git ignores). The generator is
:func:`cdop._national_sample.generate_national`; tests build smaller versions with it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cdop._national_sample import (
    NATIONAL_AREAS,
    NATIONAL_SEED,
    NATIONAL_YEARS,
    generate_national,
)

__all__ = ["DEFAULT_DIR", "generate_national", "write_national"]

DEFAULT_DIR = Path(__file__).resolve().parent / "_data" / "national"


def write_national(
    out_dir: str | Path = DEFAULT_DIR,
    *,
    seed: int = NATIONAL_SEED,
    areas: int = NATIONAL_AREAS,
    years: int = NATIONAL_YEARS,
) -> list[Path]:
    """Generate the national tables and write one Parquet file per table; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in generate_national(seed, areas=areas, years=years).items():
        path = out / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", nargs="?", default=str(DEFAULT_DIR))
    parser.add_argument("--seed", type=int, default=NATIONAL_SEED)
    parser.add_argument("--areas", type=int, default=NATIONAL_AREAS)
    parser.add_argument("--years", type=int, default=NATIONAL_YEARS)
    args = parser.parse_args()
    start = time.perf_counter()
    paths = write_national(args.out_dir, seed=args.seed, areas=args.areas, years=args.years)
    elapsed = time.perf_counter() - start
    for path in paths:
        print(f"{path}  {path.stat().st_size / 1e6:6.2f} MB")
    print(f"generated and written in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
