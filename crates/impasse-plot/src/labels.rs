//! Label placement: puts each label next to its point where it overlaps no other label, no
//! obstacle (markers, legends) and stays inside the plotting area.

/// An axis-aligned rectangle in pixels (`x0 ≤ x1`, `y0 ≤ y1`, y pointing down).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Rect {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

impl Rect {
    pub(crate) fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) }
    }

    /// A square of half-side `r` around a point.
    pub(crate) fn around((x, y): (f64, f64), r: f64) -> Rect {
        Rect::new(x - r, y - r, x + r, y + r)
    }

    pub(crate) fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub(crate) fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Whether the interiors intersect.
    pub(crate) fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    /// The area of the intersection.
    pub(crate) fn overlap_area(&self, other: &Rect) -> f64 {
        let w = (self.x1.min(other.x1) - self.x0.max(other.x0)).max(0.0);
        let h = (self.y1.min(other.y1) - self.y0.max(other.y0)).max(0.0);
        w * h
    }

    /// Whether `other` lies inside.
    pub(crate) fn contains(&self, other: &Rect) -> bool {
        self.x0 <= other.x0 && other.x1 <= self.x1 && self.y0 <= other.y0 && other.y1 <= self.y1
    }

    /// Grown by `d` on every side.
    pub(crate) fn grow(&self, d: f64) -> Rect {
        Rect::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    /// The point of the rectangle nearest to `(x, y)`.
    pub(crate) fn nearest(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x.clamp(self.x0, self.x1), y.clamp(self.y0, self.y1))
    }
}

/// A label to place: the point it names, the clearance around the point's marker and the label's
/// size.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Request {
    pub(crate) anchor: (f64, f64),
    pub(crate) clearance: f64,
    pub(crate) size: (f64, f64),
}

/// Where a label went.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Placement {
    /// The label's box.
    pub(crate) rect: Rect,
    /// Whether it is far enough from its point to need a leader line.
    pub(crate) leader: bool,
    /// Whether it could only be placed overlapping something (crowded plots).
    pub(crate) overlapping: bool,
}

/// Gap kept between two labels.
const GAP: f64 = 2.0;

/// Places the labels in order (earlier ones get the better spots). Each goes at the first free
/// candidate position around its point (right, left, above, below, then the diagonals, then the
/// same at growing distances, with a leader line): free means inside `bounds`, clear of every
/// label already placed and of every obstacle. When no candidate is free, the one with the least
/// overlap is taken and flagged.
pub(crate) fn place(requests: &[Request], obstacles: &[Rect], bounds: Rect) -> Vec<Placement> {
    let mut placed: Vec<Rect> = Vec::with_capacity(requests.len());
    let mut out = Vec::with_capacity(requests.len());
    for request in requests {
        let mut best: Option<(f64, Rect, bool)> = None;
        let mut chosen = None;
        for (rect, leader) in candidates(request) {
            let mut cost = 0.0;
            if !bounds.contains(&rect) {
                let inside = bounds.overlap_area(&rect);
                cost += 4.0 * (rect.width() * rect.height() - inside) + 1.0;
            }
            for other in placed.iter() {
                cost += 4.0 * other.grow(GAP).overlap_area(&rect);
                if other.grow(GAP).overlaps(&rect) {
                    cost += 1.0;
                }
            }
            for obstacle in obstacles {
                if obstacle.overlaps(&rect) {
                    cost += obstacle.overlap_area(&rect) + 0.5;
                }
            }
            if cost == 0.0 {
                chosen = Some((rect, leader));
                break;
            }
            if best.is_none_or(|(c, _, _)| cost < c) {
                best = Some((cost, rect, leader));
            }
        }
        let placement = match (chosen, best) {
            (Some((rect, leader)), _) => Placement { rect, leader, overlapping: false },
            (None, Some((_, rect, leader))) => Placement { rect, leader, overlapping: true },
            (None, None) => {
                let (x, y) = request.anchor;
                let rect = Rect::new(x, y, x + request.size.0, y + request.size.1);
                Placement { rect, leader: false, overlapping: true }
            }
        };
        placed.push(placement.rect);
        out.push(placement);
    }
    out
}

/// Candidate boxes around a point, nearest first.
fn candidates(request: &Request) -> Vec<(Rect, bool)> {
    let (x, y) = request.anchor;
    let (w, h) = request.size;
    let mut out = Vec::new();
    for (ring, step) in [0.0, 10.0, 22.0, 36.0, 52.0, 72.0, 96.0, 124.0].iter().enumerate() {
        let d = request.clearance + 3.0 + step;
        let leader = ring > 0;
        let directions = if ring == 0 { 8 } else { 16 };
        for k in 0..directions {
            let angle = match (ring, k) {
                // Right, left, above, below first: the easiest to read.
                (0, 0) => 0.0,
                (0, 1) => 180.0,
                (0, 2) => 270.0,
                (0, 3) => 90.0,
                (0, 4) => 315.0,
                (0, 5) => 45.0,
                (0, 6) => 225.0,
                (0, 7) => 135.0,
                _ => 360.0 * k as f64 / directions as f64,
            };
            let (s, c) = f64::to_radians(angle).sin_cos();
            // The box's corner or edge nearest the point lies at distance d along the direction.
            let (px, py) = (x + c * d, y + s * d);
            let x0 = if c > 0.38 {
                px
            } else if c < -0.38 {
                px - w
            } else {
                px - w / 2.0
            };
            let y0 = if s > 0.38 {
                py
            } else if s < -0.38 {
                py - h
            } else {
                py - h / 2.0
            };
            out.push((Rect::new(x0, y0, x0 + w, y0 + h), leader));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_overlaps(placements: &[Placement]) -> bool {
        placements
            .iter()
            .enumerate()
            .all(|(i, a)| placements[i + 1..].iter().all(|b| !a.rect.overlaps(&b.rect)))
    }

    #[test]
    fn labels_of_coinciding_points_do_not_overlap() {
        let bounds = Rect::new(0.0, 0.0, 600.0, 400.0);
        let requests: Vec<Request> = (0..6)
            .map(|_| Request { anchor: (300.0, 200.0), clearance: 6.0, size: (90.0, 16.0) })
            .collect();
        let placed = place(&requests, &[Rect::around((300.0, 200.0), 6.0)], bounds);
        assert!(no_overlaps(&placed));
        assert!(placed.iter().all(|p| !p.overlapping && bounds.contains(&p.rect)));
        assert!(placed.iter().all(|p| !p.rect.overlaps(&Rect::around((300.0, 200.0), 6.0))));
    }

    #[test]
    fn labels_stay_inside_and_apart_in_a_crowd() {
        let bounds = Rect::new(0.0, 0.0, 800.0, 600.0);
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let requests: Vec<Request> = (0..25)
            .map(|k| Request {
                anchor: (40.0 + 720.0 * next(), 40.0 + 520.0 * next()),
                clearance: 5.0,
                size: (60.0 + (k % 4) as f64 * 25.0, 16.0),
            })
            .collect();
        let obstacles: Vec<Rect> = requests.iter().map(|r| Rect::around(r.anchor, 5.0)).collect();
        let placed = place(&requests, &obstacles, bounds);
        assert!(no_overlaps(&placed));
        for p in &placed {
            assert!(!p.overlapping);
            assert!(bounds.contains(&p.rect));
            assert!(obstacles.iter().all(|o| !o.overlaps(&p.rect)));
        }
    }

    #[test]
    fn points_at_the_edge_get_labels_inside() {
        let bounds = Rect::new(0.0, 0.0, 300.0, 200.0);
        let requests = [
            Request { anchor: (299.0, 1.0), clearance: 5.0, size: (80.0, 16.0) },
            Request { anchor: (1.0, 199.0), clearance: 5.0, size: (80.0, 16.0) },
        ];
        let placed = place(&requests, &[], bounds);
        assert!(placed.iter().all(|p| bounds.contains(&p.rect) && !p.overlapping));
    }
}
