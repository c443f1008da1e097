"""Drawing primitives the chapters' diagrams share: a text box, an arrow and grids of cells.

Grid lines over an imshow'd array are `convnets.plotting.draw_cell_grid`; `cell_grid_lines` is
for cells drawn as patches, where the axes may reach past the grid.
"""

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

LINE = "#333333"  # default outline and arrow colour
TEXT = "#111111"  # default text colour


def text_box(
    ax,
    x,
    y,
    width,
    height,
    text="",
    colour="white",
    *,
    rounding=0.05,
    pad=0.01,
    edgecolour=LINE,
    linewidth=1,
    fontsize=9,
    text_colour=TEXT,
    **text_style,
):
    """A width x height box centred on (x, y), filled with colour, with text in its middle.

    rounding is the corners' radius (0: square corners); pad widens the box by that much on
    every side; text_style goes to ax.text (linespacing, fontweight, ...). Returns the patch.
    """
    style = f"round,pad={pad},rounding_size={rounding}" if rounding else f"square,pad={pad}"
    patch = ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle=style,
            facecolor=colour,
            edgecolor=edgecolour,
            linewidth=linewidth,
        )
    )
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=text_colour, **text_style)
    return patch


def arrow(ax, start, end, *, colour=LINE, linewidth=1, head=10, shrink=2, **style):
    """A filled-head arrow from start to end, (x, y) points in data coordinates.

    head scales the arrowhead (points); shrink pulls both ends in by that many points;
    style goes to FancyArrowPatch (connectionstyle for a curve, zorder, ...).
    """
    return ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=head,
            color=colour,
            linewidth=linewidth,
            shrinkA=shrink,
            shrinkB=shrink,
            **style,
        )
    )


def cell_grid_lines(ax, rows, cols, *, colour="0.45", linewidth=0.6):
    """Lines around the cells of a rows x cols grid whose cell (i, j) is centred on (j, i),
    drawn only across the grid (unlike axhline, they stop at its edges), as two line
    collections (cheap for the explorers, which draw dozens of grids)."""
    ax.hlines([y - 0.5 for y in range(rows + 1)], -0.5, cols - 0.5, colors=colour, linewidth=linewidth)
    ax.vlines([x - 0.5 for x in range(cols + 1)], -0.5, rows - 0.5, colors=colour, linewidth=linewidth)


def grid_panel(ax, rows, cols):
    """An axes showing just a rows x cols grid of cells: its lines, no ticks, no frame."""
    cell_grid_lines(ax, rows, cols)
    ax.set_xlim(-0.6, cols - 0.4)
    ax.set_ylim(rows - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def cell_grid(ax, x0, y0, rows, cols, cell, fill, *, marked=(), mark_fill=None, edgecolour=LINE, linewidth=0.6):
    """A rows x cols grid of bordered square cells of side cell, its top-left corner at (x0, y0)
    (rows go down); the (row, col) cells in marked are filled with mark_fill, the rest with fill."""
    for row in range(rows):
        for col in range(cols):
            ax.add_patch(
                Rectangle(
                    (x0 + col * cell, y0 - (row + 1) * cell),
                    cell,
                    cell,
                    facecolor=mark_fill if (row, col) in marked else fill,
                    edgecolor=edgecolour,
                    linewidth=linewidth,
                )
            )
