//! Every plot for every shipped scenario: the SVG parses and renders, holds the expected labels,
//! no two texts overlap, and the PNG is a real picture of the requested size.
//!
//! Set `IMPASSE_PLOT_DIR` to a folder to keep the PNGs for inspection.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use impasse_analysis::{Analysis, AnalysisConfig, analyze};
use impasse_core::Scenario;
use impasse_dynamics::assess::{AssessConfig, Models, assess};
use impasse_format::Override;
use impasse_negotiate::tournament::{Entry, Protocol, Row, Summary, Tournament};
use impasse_negotiate::{AgentSpec, NegotiationResult, SaoConfig, Setting, run_sao};
use impasse_plot::{
    AgentMatrix, Figure, PlotError, SpaceOptions, dynamics, ripeness, sweep_heatmap, tournament,
    utility_space,
};
use resvg::tiny_skia::Pixmap;
use resvg::usvg;

const SEED: &str = "negotiation-impasse-2023";
const SCENARIOS: [&str; 4] =
    [SEED, "integrative-logrolling", "distributive-price", "power-shift-ripeness"];

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios").join(format!("{name}.toml"))
}

fn load(name: &str, overrides: &[&str]) -> Scenario {
    let overrides: Vec<Override> = overrides.iter().map(|o| o.parse().unwrap()).collect();
    impasse_format::load_path(&scenario_path(name), &overrides).unwrap()
}

fn analysis(scenario: &Scenario) -> Analysis {
    analyze(scenario, &AnalysisConfig::default()).unwrap()
}

/// Every text of the SVG with its box, as resvg lays it out with the embedded fonts.
fn texts(figure: &Figure) -> Vec<(String, usvg::Rect)> {
    let fontdb = {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        Arc::new(db)
    };
    let options =
        usvg::Options { font_family: "DejaVu Sans".into(), fontdb, ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(figure.svg(), &options).expect("the SVG parses");
    fn walk(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
        for node in group.children() {
            match node {
                usvg::Node::Text(text) => {
                    let content: String = text.chunks().iter().map(|c| c.text()).collect();
                    out.push((content, text.abs_bounding_box()));
                }
                usvg::Node::Group(group) => walk(group, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

/// The pairs of texts whose boxes overlap by more than a pixel each way.
fn overlaps(texts: &[(String, usvg::Rect)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, (a, ra)) in texts.iter().enumerate() {
        for (b, rb) in &texts[k + 1..] {
            let w = ra.right().min(rb.right()) - ra.left().max(rb.left());
            let h = ra.bottom().min(rb.bottom()) - ra.top().max(rb.top());
            if w > 1.0 && h > 1.0 {
                out.push((a.clone(), b.clone()));
            }
        }
    }
    out
}

/// Checks a figure: the labels are there, no texts overlap, every text lies inside the picture,
/// and the PNG has the figure's size and is a real picture.
fn check(figure: &Figure, name: &str, expected: &[&str]) {
    let texts = texts(figure);
    // Wrapped labels run on over lines: search the texts joined.
    let all: Vec<&str> = texts.iter().map(|(t, _)| t.as_str()).collect();
    let joined = all.join(" ");
    for label in expected {
        assert!(joined.contains(label), "{name}: no text holds {label:?}; texts: {all:?}");
    }
    let overlapping = overlaps(&texts);
    assert!(overlapping.is_empty(), "{name}: overlapping texts {overlapping:?}");
    let (w, h) = (figure.width() as f32, figure.height() as f32);
    for (text, r) in &texts {
        assert!(
            r.left() >= -0.5 && r.top() >= -0.5 && r.right() <= w + 0.5 && r.bottom() <= h + 0.5,
            "{name}: text {text:?} at {r:?} is clipped by the {w}×{h} picture"
        );
    }
    let png = figure.png().unwrap();
    let pixmap = Pixmap::decode_png(&png).unwrap();
    assert_eq!((pixmap.width(), pixmap.height()), (figure.width(), figure.height()));
    let pixels: Vec<[u8; 4]> =
        pixmap.pixels().iter().map(|p| [p.red(), p.green(), p.blue(), p.alpha()]).collect();
    let colours: std::collections::HashSet<[u8; 4]> = pixels.iter().copied().collect();
    assert!(colours.len() > 40, "{name}: only {} colours", colours.len());
    let inked = pixels.iter().filter(|p| p[0] < 250 || p[1] < 250 || p[2] < 250).count();
    let share = inked as f64 / pixels.len() as f64;
    assert!((0.02..0.8).contains(&share), "{name}: {share:.3} of the pixels are not white");
    if let Ok(dir) = std::env::var("IMPASSE_PLOT_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        figure.save(&Path::new(&dir).join(format!("{name}.png"))).unwrap();
    }
}

fn negotiate(scenario: &Arc<Scenario>, agents: &[&str]) -> (Setting, NegotiationResult) {
    let setting = Setting::from_scenario(scenario.clone()).unwrap();
    let specs: Vec<AgentSpec> = agents.iter().map(|a| a.parse().unwrap()).collect();
    let mut built: Vec<_> = specs
        .iter()
        .enumerate()
        .map(|(me, spec)| spec.build(&setting, me, 7 + me as u64))
        .collect();
    let config = SaoConfig { n_steps: Some(40), ..SaoConfig::default() };
    let result = run_sao(&setting, &mut built, &config);
    drop(built);
    (setting, result)
}

fn party_names(scenario: &Scenario) -> Vec<String> {
    scenario.parties().iter().map(|p| p.name.clone()).collect()
}

#[test]
fn every_plot_for_every_scenario() {
    for name in SCENARIOS {
        let scenario = load(name, &[]);
        let analysis = analysis(&scenario);
        let names = party_names(&scenario);
        // The utility space: all parties' names, the axis titles, the legend.
        let space = utility_space(&scenario, &analysis, &SpaceOptions::default()).unwrap();
        let mut expected: Vec<String> = vec![
            scenario.name().to_owned(),
            format!("utility of {} (0–1 scale)", names[0]),
            format!("utility of {} (0–1 scale)", names[1]),
            "Pareto frontier".to_owned(),
            "reservation value (utility of no deal)".to_owned(),
            "both parties above their reservation values".to_owned(),
        ];
        if names.len() > 2 {
            expected.extend(names.iter().map(|n| format!("utility of {n} (0–1 scale)")));
        }
        if name == SEED {
            // Pairwise panels, across the conflict's sides first; proposals numbered.
            expected.extend(
                [
                    "impasse",
                    "Russia vs United States",
                    "Russia vs Ukraine",
                    "6 of 15 party pairs shown",
                    "P1: Official position of the Biden administration",
                    "P2: Kissinger plan",
                ]
                .map(str::to_owned),
            );
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        check(&space, &format!("space-{name}"), &expected);
        // Ripeness and dynamics need a conflict model.
        match scenario.conflict() {
            Some(_) => {
                let figure = ripeness(&scenario, &analysis).unwrap();
                let side_a = &names[scenario.conflict().unwrap().side_a[0]];
                let x_title = format!("balance of power: probability that {side_a} prevails");
                check(
                    &figure,
                    &format!("ripeness-{name}"),
                    &[
                        &x_title,
                        "today: 0.5",
                        "balances at which a zone exists",
                        "packages in the zone of agreement",
                        "cost of conflict per round",
                    ],
                );
                let assessment = assess(&scenario, &AssessConfig::new(2000, 1)).unwrap();
                let figure = dynamics(&scenario, &assessment).unwrap();
                check(
                    &figure,
                    &format!("dynamics-{name}"),
                    &[
                        "P(settled by round t)",
                        "war of attrition",
                        "settled by agreement",
                        &format!("decided for {side_a}"),
                        "rounds fought before the war ended",
                        "share of wars",
                    ],
                );
            }
            None => {
                let err = ripeness(&scenario, &analysis).unwrap_err();
                assert!(matches!(err, PlotError::NotApplicable(_)), "{err}");
            }
        }
    }
}

#[test]
fn one_pair_of_the_seed() {
    let scenario = load(SEED, &[]);
    let analysis = analysis(&scenario);
    let options = SpaceOptions { parties: Some((0, 3)), ..SpaceOptions::default() };
    let figure = utility_space(&scenario, &analysis, &options).unwrap();
    check(
        &figure,
        "space-seed-russia-ukraine",
        &["utility of Russia (0–1 scale)", "utility of Ukraine (0–1 scale)", "P2: Kissinger plan"],
    );
    assert!(!figure.svg().contains("United States (0–1 scale)"));
}

#[test]
fn solution_labels_do_not_overlap() {
    // With Russia's chance at 0.2 the seed has a zone, and the four solutions are drawn.
    let scenario = load(SEED, &["conflict.balance=0.2"]);
    let analysis = analysis(&scenario);
    assert!(analysis.solutions.nash.is_some());
    for parties in [Some((0, 1)), Some((0, 3)), None] {
        let options = SpaceOptions { parties, ..SpaceOptions::default() };
        let figure = utility_space(&scenario, &analysis, &options).unwrap();
        check(
            &figure,
            &format!("space-seed-balance-0.2-{parties:?}"),
            &["Nash", "agreement possible"],
        );
    }
    // Coinciding solutions share one label; the utilitarian one stands apart.
    for name in ["integrative-logrolling", "distributive-price"] {
        let scenario = load(name, &[]);
        let figure =
            utility_space(&scenario, &analysis_of(&scenario), &SpaceOptions::default()).unwrap();
        check(
            &figure,
            &format!("space-solutions-{name}"),
            &["Nash = Kalai–Smorodinsky = egalitarian", "utilitarian", "bargaining solution"],
        );
    }
}

fn analysis_of(scenario: &Scenario) -> Analysis {
    analysis(scenario)
}

#[test]
fn negotiation_paths() {
    let scenario = Arc::new(load("integrative-logrolling", &[]));
    let analysis = analysis(&scenario);
    let (setting, result) = negotiate(&scenario, &["boulware", "conceder"]);
    assert!(result.agreement.is_some() && !result.trace.is_empty());
    let with_setting =
        SpaceOptions { negotiation: Some(&result), setting: Some(&setting), parties: None };
    let figure = utility_space(&scenario, &analysis, &with_setting).unwrap();
    check(
        &figure,
        "negotiation-integrative",
        &["offers by Supplier", "offers by Retailer", "agreement reached"],
    );
    // Without the setting, outcome indices are read in the scenario's space: the same picture.
    let without = SpaceOptions { setting: None, ..with_setting };
    assert_eq!(utility_space(&scenario, &analysis, &without).unwrap(), figure);
    // The seed, six parties, no agreement.
    let scenario = Arc::new(load(SEED, &[]));
    let analysis = analysis_of(&scenario);
    let (setting, result) = negotiate(&scenario, &["conceder"; 6]);
    let options =
        SpaceOptions { negotiation: Some(&result), setting: Some(&setting), parties: Some((0, 1)) };
    let figure = utility_space(&scenario, &analysis, &options).unwrap();
    let label = if result.agreement.is_some() { "agreement reached" } else { "no agreement" };
    check(&figure, "negotiation-seed", &["offers by Russia", "offers by India", label]);
}

#[test]
fn large_spaces_are_drawn_as_a_density() {
    let text = r#"
format_version = 1
[scenario]
name = "Three fine issues"
[parties.a]
name = "Alpha"
[parties.b]
name = "Beta"
[issues.x]
name = "X"
type = "integer"
min = 0
max = 29
[issues.y]
name = "Y"
type = "integer"
min = 0
max = 29
[issues.z]
name = "Z"
type = "integer"
min = 0
max = 29
[preferences.a]
reservation = 0.4
[preferences.a.weights]
x = 0.5
y = 0.3
z = 0.2
[preferences.a.values.x]
points = [[0, 0.0], [29, 1.0]]
[preferences.a.values.y]
points = [[0, 0.0], [29, 1.0]]
[preferences.a.values.z]
points = [[0, 1.0], [29, 0.0]]
[preferences.b]
reservation = 0.4
[preferences.b.weights]
x = 0.2
y = 0.3
z = 0.5
[preferences.b.values.x]
points = [[0, 1.0], [29, 0.0]]
[preferences.b.values.y]
points = [[0, 1.0], [29, 0.0]]
[preferences.b.values.z]
points = [[0, 1.0], [29, 0.0]]
"#;
    let scenario =
        impasse_format::parse_native(text, "large.toml", impasse_format::NativeSyntax::Toml, &[])
            .unwrap();
    let analysis = analysis(&scenario);
    assert!(analysis.classes > impasse_plot::MAX_POINTS);
    let figure = utility_space(&scenario, &analysis, &SpaceOptions::default()).unwrap();
    check(
        &figure,
        "space-density",
        &["number of packages, log scale", "utility of Alpha (0–1 scale)", "Nash"],
    );
    assert!(figure.svg().len() < 3_000_000);
}

#[test]
fn sweeps() {
    let xs: Vec<f64> = (0..8).map(|k| 0.3 + 0.1 * f64::from(k)).collect();
    let ys: Vec<f64> = (0..6).map(|k| 0.05 + 0.07 * f64::from(k)).collect();
    let mut values: Vec<f64> =
        ys.iter().flat_map(|y| xs.iter().map(move |x| (x * 3.0).sin() * y)).collect();
    values[3] = f64::NAN;
    let figure = sweep_heatmap(
        ("conflict.dynamics.mobilised_a", &xs),
        ("conflict.costs.russia", &ys),
        &values,
        "What if Russia mobilises and its costs rise?",
        "P(deal within 3 years)",
    )
    .unwrap();
    check(
        &figure,
        "sweep",
        &[
            "conflict.dynamics.mobilised_a",
            "conflict.costs.russia",
            "P(deal within 3 years)",
            "n/a",
            "0.3",
        ],
    );
    // A fine sweep: numeric axes, no values in the cells.
    let xs: Vec<f64> = (0..50).map(|k| f64::from(k) / 49.0).collect();
    let values: Vec<f64> = xs.iter().flat_map(|y| xs.iter().map(move |x| x * y)).collect();
    let figure = sweep_heatmap(("a.b", &xs), ("c.d", &xs), &values, "Fine", "product").unwrap();
    check(&figure, "sweep-fine", &["a.b", "c.d", "product"]);
    // One value, and all values equal.
    let figure = sweep_heatmap(("a", &[1.0]), ("b", &[2.0]), &[5.0], "One", "v").unwrap();
    check(&figure, "sweep-one", &["5"]);
    // Errors.
    let err = sweep_heatmap(("a", &[1.0, 2.0]), ("b", &[1.0]), &[1.0], "t", "v").unwrap_err();
    assert!(matches!(err, PlotError::Input(_)), "{err}");
    let err = sweep_heatmap(("a", &[]), ("b", &[1.0]), &[], "t", "v").unwrap_err();
    assert!(matches!(err, PlotError::Input(_)), "{err}");
}

fn row(agents: &[&str], utilities: &[f64], agreement: bool) -> Row {
    Row {
        id: 0,
        scenario: "s".into(),
        repetition: 0,
        agents: agents.iter().map(|a| (*a).to_owned()).collect(),
        end: if agreement { "agreement" } else { "deadline" }.into(),
        agreement,
        outcome: agreement.then_some(0),
        steps: 10,
        utilities: utilities.to_vec(),
        welfare: utilities.iter().sum(),
        pareto_distance: 0.0,
        nash_distance: None,
    }
}

#[test]
fn agent_matrix_from_rows() {
    let rows = [
        row(&["b", "a"], &[0.6, 0.4], true),
        row(&["a", "b"], &[0.2, 0.8], true),
        row(&["a", "a"], &[0.5, 0.3], false),
        row(&["a", "c", "b"], &[0.1, 0.2, f64::NAN], true),
    ];
    let m = AgentMatrix::from_rows(&rows);
    assert_eq!(m.agents, ["a", "b", "c"]);
    let close = |x: Option<f64>, y: f64| x.is_some_and(|x| (x - y).abs() < 1e-12);
    // a against b: 0.4, 0.2 and 0.1 (the three-party row).
    assert!(close(m.mean_utility[0][1], (0.4 + 0.2 + 0.1) / 3.0));
    assert!(close(m.mean_utility[1][0], (0.6 + 0.8) / 2.0));
    assert!(close(m.mean_utility[0][0], 0.4));
    assert!(close(m.mean_utility[2][0], 0.2));
    assert_eq!(m.mean_utility[1][2], None, "b's utility in the last row is not a number");
    assert_eq!(m.mean_utility[2][2], None);
    assert_eq!(AgentMatrix::from_rows(&[]), AgentMatrix::default());
}

#[test]
fn tournaments() {
    let entries = ["integrative-logrolling", "distributive-price"]
        .iter()
        .map(|name| {
            let setting = Setting::from_scenario(Arc::new(load(name, &[]))).unwrap();
            Entry::new((*name).to_owned(), Arc::new(setting))
        })
        .collect();
    let agents: Vec<AgentSpec> =
        ["boulware", "conceder", "linear", "random", "nash", "naive-tit-for-tat"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
    let t = Tournament::new(entries, agents, 1, 40, 3, Protocol::Sao).unwrap();
    let mut rows = Vec::new();
    t.run(0, |batch| {
        rows.extend_from_slice(batch);
        Ok::<_, ()>(())
    })
    .unwrap();
    let mut summary = Summary::default();
    for r in &rows {
        summary.add(r);
    }
    let standings = summary.standings();
    let matrix = AgentMatrix::from_rows(&rows);
    let figure = tournament(&standings, &matrix).unwrap();
    let first = format!("1. {}", standings[0].agent);
    check(
        &figure,
        "tournament",
        &[
            &first,
            "naive-tit-for-tat",
            "agreement",
            "mean utility obtained (0–1 scale)",
            "opponent",
            "agent",
            "mean utility of the row agent",
        ],
    );
    // Errors.
    assert!(matches!(tournament(&[], &matrix), Err(PlotError::Input(_))));
    let ragged =
        AgentMatrix { agents: vec!["a".into(), "b".into()], mean_utility: vec![vec![None]] };
    assert!(matches!(tournament(&standings, &ragged), Err(PlotError::Input(_))));
    // A matrix with no agents still draws the ranking.
    let figure = tournament(&standings, &AgentMatrix::default()).unwrap();
    check(&figure, "tournament-no-matrix", &[&first]);
}

#[test]
fn errors() {
    let scenario = load("distributive-price", &[]);
    let analysis = analysis(&scenario);
    let figure = utility_space(&scenario, &analysis, &SpaceOptions::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("impasse-plot-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // By extension, in any case.
    figure.save(&dir.join("a.svg")).unwrap();
    figure.save(&dir.join("a.PNG")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("a.svg")).unwrap(), figure.svg());
    assert!(std::fs::read(dir.join("a.PNG")).unwrap().starts_with(b"\x89PNG"));
    for bad in ["a.jpg", "a", "a.svg.txt"] {
        let err = figure.save(&dir.join(bad)).unwrap_err();
        assert!(matches!(err, PlotError::Extension(_)), "{bad}: {err}");
    }
    let err = figure.save(&dir.join("missing-folder").join("a.svg")).unwrap_err();
    assert!(matches!(err, PlotError::Io { .. }), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
    // No conflict model: no ripeness.
    let err = ripeness(&scenario, &analysis).unwrap_err();
    assert!(matches!(err, PlotError::NotApplicable(_)));
    assert!(err.to_string().contains("no conflict model"));
    // Bad party choices and mismatched analyses.
    for parties in [(0, 0), (0, 2), (5, 1)] {
        let options = SpaceOptions { parties: Some(parties), ..SpaceOptions::default() };
        let err = utility_space(&scenario, &analysis, &options).unwrap_err();
        assert!(matches!(err, PlotError::Input(_)), "{parties:?}: {err}");
    }
    let seed = load(SEED, &[]);
    let err = utility_space(&seed, &analysis, &SpaceOptions::default()).unwrap_err();
    assert!(matches!(err, PlotError::Input(_)), "{err}");
    let err = ripeness(&seed, &analysis).unwrap_err();
    assert!(matches!(err, PlotError::Input(_)), "{err}");
    // No dynamics model ran.
    let mut config = AssessConfig::new(100, 1);
    config.models = Models::NONE;
    let assessment = assess(&seed, &config).unwrap();
    let err = dynamics(&seed, &assessment).unwrap_err();
    assert!(matches!(err, PlotError::NotApplicable(_)), "{err}");
    // A negotiation of another scenario.
    let other = Arc::new(load("integrative-logrolling", &[]));
    let (setting, result) = negotiate(&other, &["boulware", "conceder"]);
    let options =
        SpaceOptions { negotiation: Some(&result), setting: Some(&setting), parties: None };
    let seed_analysis = analysis_of(&seed);
    let err = utility_space(&seed, &seed_analysis, &options).unwrap_err();
    assert!(matches!(err, PlotError::Input(_)), "{err}");
}

#[test]
fn the_overlap_check_sees_overlaps() {
    let rect = |x, y, w, h| usvg::Rect::from_xywh(x, y, w, h).unwrap();
    let texts = vec![
        ("a".to_owned(), rect(0.0, 0.0, 50.0, 14.0)),
        ("b".to_owned(), rect(40.0, 5.0, 50.0, 14.0)),
        ("c".to_owned(), rect(0.0, 19.5, 50.0, 14.0)),
    ];
    assert_eq!(overlaps(&texts), vec![("a".to_owned(), "b".to_owned())]);
}
