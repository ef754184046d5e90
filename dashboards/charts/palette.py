"""Colour-blind-safe palettes (Okabe & Ito 2008; Paul Tol's "bright" scheme)."""

PALETTES: dict[str, tuple[str, ...]] = {
    "okabe-ito": ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"),
    "tol-bright": ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"),
}
DEFAULT_PALETTE = "okabe-ito"
