//! The data behind `GET /api/v1/payment/facetoface/options` (DESIGN §4): the business
//! category (MCC) catalogue, the mainland region tree and the status labels the apply
//! dialog, the filters and the list tags show.
//!
//! The catalogue and the region tree are embedded from `crates/api/data/` (see the README
//! there for where each file came from) and parsed once, on first use. A file that does not
//! parse or breaks an invariant (an MCC code [`MccCode::parse`] rejects, a duplicate code, a
//! region code that is not six digits or not under its parent's prefix) is reported as an
//! [`OptionsError`], never a panic. The status labels are built from [`OrderStatus::ALL`]
//! through an exhaustive `match`, so a new status cannot be added without a label.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xjz_domain::OrderStatus;
use xjz_domain::application::MccCode;

/// The embedded MCC catalogue (`[{code, name, category}]`).
const MCC_JSON: &str = include_str!("../../data/mcc.json");
/// The embedded region tree (`[{code, name, children?}]`, GB/T 2260 six-digit codes).
const REGIONS_JSON: &str = include_str!("../../data/regions.json");
/// Date the embedded data was last assembled; bump it whenever a file in `data/` changes so
/// clients can cache by it.
pub const DATA_VERSION: &str = "2026-11-26";

/// One selectable business category (`mcc_code` on apply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MccOption {
    /// The code sent to Alipay, e.g. `A0002_B0114` (2.0) or `C_C05_5812` (legacy 1.0).
    pub code: String,
    /// The category's name, e.g. `餐厅、订餐服务`.
    pub name: String,
    /// The group the picker shows it under, e.g. `餐饮/食品`.
    pub category: String,
}

/// A province, city or district with its GB/T 2260 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionNode {
    /// Six digits, e.g. `110000` (province), `110100` (city), `110101` (district).
    pub code: String,
    /// Chinese name, e.g. `东城区`.
    pub name: String,
    /// Cities of a province or districts of a city; absent on districts and on the few
    /// cities without districts (东莞市, 中山市, 儋州市, 嘉峪关市).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub children: Vec<RegionNode>,
}

/// The display labels of one [`OrderStatus`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatusLabel {
    /// The status as the API writes it, e.g. `MERCHANT_AUDITING`.
    pub code: &'static str,
    /// Chinese label, e.g. `审核中`.
    pub zh: &'static str,
    /// English label, e.g. `Under review`.
    pub en: &'static str,
    /// Whether the status is final (`SUCCESS`, `CLOSED`).
    pub terminal: bool,
}

/// Everything `GET /api/v1/payment/facetoface/options` returns in `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FacetofaceOptions {
    /// Version of the embedded data ([`DATA_VERSION`]).
    pub version: &'static str,
    /// The business categories, in picker order.
    pub mcc: Vec<MccOption>,
    /// Province → city → district tree of mainland China.
    pub regions: Vec<RegionNode>,
    /// One entry per order status, in workflow order.
    pub statuses: Vec<StatusLabel>,
}

/// The embedded data is unusable (a build with bad data files; never the caller's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("embedded {file}: {reason}")]
pub struct OptionsError {
    /// Which data file: `mcc.json` or `regions.json`.
    pub file: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl OptionsError {
    fn new(file: &'static str, reason: impl Into<String>) -> Self {
        Self {
            file,
            reason: reason.into(),
        }
    }
}

/// The parsed options plus code indexes for the lookup helpers.
#[derive(Debug)]
struct Catalogue {
    options: FacetofaceOptions,
    mcc_codes: HashSet<String>,
    region_codes: HashSet<String>,
}

static CATALOGUE: LazyLock<Result<Catalogue, OptionsError>> =
    LazyLock::new(|| load(MCC_JSON, REGIONS_JSON));

/// The options, parsed from the embedded data on first call.
///
/// # Errors
/// [`OptionsError`] when an embedded file does not parse or breaks an invariant; the same
/// error is returned on every call.
pub fn options() -> Result<&'static FacetofaceOptions, OptionsError> {
    CATALOGUE
        .as_ref()
        .map(|catalogue| &catalogue.options)
        .map_err(Clone::clone)
}

/// Whether `code` is a province, city or district code in the embedded tree (false when the
/// data failed to load).
pub fn is_known_region(code: &str) -> bool {
    CATALOGUE
        .as_ref()
        .is_ok_and(|catalogue| catalogue.region_codes.contains(code))
}

/// Whether `code` is in the embedded MCC catalogue (false when the data failed to load).
/// The catalogue is a curated subset: an unknown code is not necessarily invalid at Alipay.
pub fn is_known_mcc(code: &str) -> bool {
    CATALOGUE
        .as_ref()
        .is_ok_and(|catalogue| catalogue.mcc_codes.contains(code))
}

/// Whether `province` → `city` → `district` is a path in the embedded tree. `district` may be
/// `None` only for a city without districts.
pub fn is_region_path(province: &str, city: &str, district: Option<&str>) -> bool {
    let Ok(catalogue) = CATALOGUE.as_ref() else {
        return false;
    };
    let Some(city_node) = find(&catalogue.options.regions, province)
        .and_then(|province_node| find(&province_node.children, city))
    else {
        return false;
    };
    match district {
        Some(district) => find(&city_node.children, district).is_some(),
        None => city_node.children.is_empty(),
    }
}

fn find<'a>(nodes: &'a [RegionNode], code: &str) -> Option<&'a RegionNode> {
    nodes.iter().find(|node| node.code == code)
}

/// The zh/en labels of a status. Exhaustive on purpose: a new [`OrderStatus`] variant does
/// not compile until it has labels.
fn labels(status: OrderStatus) -> (&'static str, &'static str) {
    match status {
        OrderStatus::Init => ("待提交", "Not submitted"),
        OrderStatus::Submitted => ("已提交", "Submitted"),
        OrderStatus::MerchantAuditing => ("审核中", "Under review"),
        OrderStatus::MerchantConfirm => ("待商家确认", "Awaiting merchant"),
        OrderStatus::Success => ("已开通", "Active"),
        OrderStatus::Closed => ("已关闭", "Closed"),
    }
}

fn status_labels() -> Vec<StatusLabel> {
    OrderStatus::ALL
        .into_iter()
        .map(|status| {
            let (zh, en) = labels(status);
            StatusLabel {
                code: status.as_str(),
                zh,
                en,
                terminal: status.is_terminal(),
            }
        })
        .collect()
}

const MCC_FILE: &str = "mcc.json";
const REGIONS_FILE: &str = "regions.json";

fn load(mcc_json: &str, regions_json: &str) -> Result<Catalogue, OptionsError> {
    let mcc: Vec<MccOption> = serde_json::from_str(mcc_json)
        .map_err(|error| OptionsError::new(MCC_FILE, error.to_string()))?;
    let mcc_codes = check_mcc(&mcc)?;
    let regions: Vec<RegionNode> = serde_json::from_str(regions_json)
        .map_err(|error| OptionsError::new(REGIONS_FILE, error.to_string()))?;
    let region_codes = check_regions(&regions)?;
    Ok(Catalogue {
        options: FacetofaceOptions {
            version: DATA_VERSION,
            mcc,
            regions,
            statuses: status_labels(),
        },
        mcc_codes,
        region_codes,
    })
}

fn check_mcc(mcc: &[MccOption]) -> Result<HashSet<String>, OptionsError> {
    if mcc.is_empty() {
        return Err(OptionsError::new(MCC_FILE, "no categories"));
    }
    let mut codes = HashSet::with_capacity(mcc.len());
    for option in mcc {
        let parsed = MccCode::parse(&option.code).map_err(|error| {
            OptionsError::new(MCC_FILE, format!("code {:?}: {error}", option.code))
        })?;
        if parsed.as_str() != option.code {
            return Err(OptionsError::new(
                MCC_FILE,
                format!("code {:?} has surrounding whitespace", option.code),
            ));
        }
        if option.name.trim().is_empty() || option.category.trim().is_empty() {
            return Err(OptionsError::new(
                MCC_FILE,
                format!("code {:?} has an empty name or category", option.code),
            ));
        }
        if !codes.insert(option.code.clone()) {
            return Err(OptionsError::new(
                MCC_FILE,
                format!("code {:?} appears twice", option.code),
            ));
        }
    }
    Ok(codes)
}

/// Checks the three-level shape: provinces `PP0000`, cities `PPCC00` under their province,
/// districts `PPCCDD` sharing the city's province prefix (a district of a 省直辖县级 group
/// such as 429004 sits under 429000, so only the province prefix is required of it).
fn check_regions(regions: &[RegionNode]) -> Result<HashSet<String>, OptionsError> {
    if regions.is_empty() {
        return Err(OptionsError::new(REGIONS_FILE, "no provinces"));
    }
    let mut codes = HashSet::new();
    for province in regions {
        check_code(province, &mut codes)?;
        if !province.code.ends_with("0000") {
            return Err(bad_region(province, "a province code ends in 0000"));
        }
        let prefix = &province.code[..2];
        for city in &province.children {
            check_code(city, &mut codes)?;
            if !city.code.starts_with(prefix)
                || !city.code.ends_with("00")
                || city.code == province.code
            {
                return Err(bad_region(city, "a city code is PPCC00 under its province"));
            }
            for district in &city.children {
                check_code(district, &mut codes)?;
                if !district.code.starts_with(prefix) || district.code == city.code {
                    return Err(bad_region(
                        district,
                        "a district code starts with its province's two digits",
                    ));
                }
                if !district.children.is_empty() {
                    return Err(bad_region(district, "a district has no children"));
                }
            }
        }
    }
    Ok(codes)
}

fn check_code(node: &RegionNode, codes: &mut HashSet<String>) -> Result<(), OptionsError> {
    if node.code.len() != 6 || !node.code.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(bad_region(node, "a code is six ASCII digits"));
    }
    if node.name.trim().is_empty() {
        return Err(bad_region(node, "a name is not empty"));
    }
    if !codes.insert(node.code.clone()) {
        return Err(bad_region(node, "a code appears once"));
    }
    Ok(())
}

fn bad_region(node: &RegionNode, rule: &str) -> OptionsError {
    OptionsError::new(
        REGIONS_FILE,
        format!("{} {:?} breaks the rule: {rule}", node.code, node.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use xjz_domain::application::MccStyle;

    fn loaded() -> &'static FacetofaceOptions {
        options().unwrap()
    }

    fn region<'a>(nodes: &'a [RegionNode], code: &str) -> &'a RegionNode {
        find(nodes, code).unwrap_or_else(|| panic!("{code} missing"))
    }

    #[test]
    fn the_embedded_data_loads_and_is_the_same_object_every_call() {
        let first = options().unwrap();
        assert!(std::ptr::eq(first, options().unwrap()));
        assert_eq!(first.version, DATA_VERSION);
    }

    #[test]
    fn every_mcc_code_passes_the_domain_validator() {
        let mcc = &loaded().mcc;
        assert!(mcc.len() >= 40, "only {} categories", mcc.len());
        for option in mcc {
            let parsed = MccCode::parse(&option.code).unwrap();
            assert_eq!(parsed.as_str(), option.code);
            assert!(
                !option.name.is_empty() && !option.category.is_empty(),
                "{option:?}"
            );
        }
    }

    #[test]
    fn mcc_codes_are_unique_and_both_catalogue_styles_are_present() {
        let mcc = &loaded().mcc;
        let unique: HashSet<&str> = mcc.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(unique.len(), mcc.len());
        let styles: HashSet<_> = mcc
            .iter()
            .map(|o| MccCode::parse(&o.code).unwrap().style())
            .collect();
        assert!(styles.contains(&MccStyle::V2) && styles.contains(&MccStyle::V1));
        assert!(is_known_mcc("C_C05_5812") && is_known_mcc("A0002_B0114"));
        assert!(!is_known_mcc("Z9999_Z9999") && !is_known_mcc(""));
    }

    #[test]
    fn every_region_code_is_six_digits_under_its_province_prefix() {
        let regions = &loaded().regions;
        assert_eq!(regions.len(), 31, "31 mainland provinces");
        let mut districts = 0;
        for province in regions {
            assert!(
                province.code.len() == 6 && province.code.ends_with("0000"),
                "{}",
                province.code
            );
            assert!(
                !province.children.is_empty(),
                "{} has no cities",
                province.name
            );
            for city in &province.children {
                assert_eq!(city.code.len(), 6);
                assert_eq!(city.code[..2], province.code[..2], "{}", city.code);
                for district in &city.children {
                    assert_eq!(district.code.len(), 6);
                    assert!(district.code.bytes().all(|b| b.is_ascii_digit()));
                    assert_eq!(district.code[..2], province.code[..2], "{}", district.code);
                    assert!(district.children.is_empty());
                    districts += 1;
                }
            }
        }
        assert!(districts > 2800, "only {districts} districts");
    }

    #[test]
    fn beijing_shanghai_and_guangdong_have_their_known_districts() {
        let regions = &loaded().regions;
        let beijing = region(regions, "110000");
        assert_eq!(beijing.name, "北京市");
        let beijing_city = region(&beijing.children, "110100");
        assert_eq!(region(&beijing_city.children, "110101").name, "东城区");
        assert_eq!(region(&beijing_city.children, "110108").name, "海淀区");

        let shanghai = region(regions, "310000");
        assert_eq!(shanghai.name, "上海市");
        assert_eq!(
            region(&region(&shanghai.children, "310100").children, "310115").name,
            "浦东新区"
        );

        let guangdong = region(regions, "440000");
        assert_eq!(guangdong.name, "广东省");
        let shenzhen = region(&guangdong.children, "440300");
        assert_eq!(shenzhen.name, "深圳市");
        assert_eq!(region(&shenzhen.children, "440305").name, "南山区");
        let hangzhou = region(&region(regions, "330000").children, "330100");
        assert_eq!(region(&hangzhou.children, "330106").name, "西湖区");
    }

    #[test]
    fn region_helpers_follow_the_tree() {
        assert!(is_known_region("110000") && is_known_region("440305"));
        assert!(!is_known_region("999999") && !is_known_region("11010") && !is_known_region(""));
        assert!(is_region_path("330000", "330100", Some("330106")));
        assert!(
            !is_region_path("330000", "330100", Some("440305")),
            "district of another city"
        );
        assert!(
            !is_region_path("440000", "330100", Some("330106")),
            "city of another province"
        );
        assert!(
            !is_region_path("330000", "330100", None),
            "杭州 has districts"
        );
        assert!(
            is_region_path("440000", "441900", None),
            "东莞 has no districts"
        );
    }

    #[test]
    fn a_region_serializes_without_an_empty_children_key() {
        let regions = &loaded().regions;
        let district = region(
            &region(&region(regions, "110000").children, "110100").children,
            "110101",
        );
        assert_eq!(
            serde_json::to_value(district).unwrap(),
            serde_json::json!({"code": "110101", "name": "东城区"})
        );
        let json = serde_json::to_value(loaded()).unwrap();
        assert_eq!(
            json["regions"][0]["children"][0]["children"][0]["code"],
            "110101"
        );
        assert_eq!(json["version"], DATA_VERSION);
        assert_eq!(
            json["statuses"][2],
            serde_json::json!({
                "code": "MERCHANT_AUDITING", "zh": "审核中", "en": "Under review", "terminal": false
            })
        );
    }

    #[test]
    fn statuses_cover_every_order_status_in_order_with_their_labels() {
        let statuses = &loaded().statuses;
        let codes: Vec<&str> = statuses.iter().map(|s| s.code).collect();
        let expected: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(codes, expected);
        let table: Vec<(&str, &str, &str, bool)> = statuses
            .iter()
            .map(|s| (s.code, s.zh, s.en, s.terminal))
            .collect();
        assert_eq!(
            table,
            [
                ("INIT", "待提交", "Not submitted", false),
                ("SUBMITTED", "已提交", "Submitted", false),
                ("MERCHANT_AUDITING", "审核中", "Under review", false),
                ("MERCHANT_CONFIRM", "待商家确认", "Awaiting merchant", false),
                ("SUCCESS", "已开通", "Active", true),
                ("CLOSED", "已关闭", "Closed", true),
            ]
        );
    }

    const GOOD_REGIONS: &str = r#"[{"code":"110000","name":"北京市","children":[{"code":"110100","name":"市辖区","children":[{"code":"110101","name":"东城区"}]}]}]"#;
    const GOOD_MCC: &str = r#"[{"code":"A0001_B0199","name":"x","category":"y"}]"#;

    fn error_of(mcc: &str, regions: &str) -> OptionsError {
        load(mcc, regions).unwrap_err()
    }

    #[test]
    fn minimal_valid_data_loads() {
        let catalogue = load(GOOD_MCC, GOOD_REGIONS).unwrap();
        assert_eq!(catalogue.options.mcc.len(), 1);
        assert_eq!(catalogue.region_codes.len(), 3);
    }

    #[test]
    fn bad_mcc_data_is_an_error_naming_the_file_and_the_code() {
        let malformed = error_of("[{", GOOD_REGIONS);
        assert_eq!(malformed.file, "mcc.json");
        let bad_code = error_of(
            r#"[{"code":"a0001_b0199","name":"x","category":"y"}]"#,
            GOOD_REGIONS,
        );
        assert_eq!(bad_code.file, "mcc.json");
        assert!(bad_code.reason.contains("a0001_b0199"), "{bad_code}");
        let twice = error_of(
            r#"[{"code":"A0001_B0199","name":"x","category":"y"},{"code":"A0001_B0199","name":"z","category":"y"}]"#,
            GOOD_REGIONS,
        );
        assert!(twice.reason.contains("twice"), "{twice}");
        let unnamed = error_of(
            r#"[{"code":"A0001_B0199","name":" ","category":"y"}]"#,
            GOOD_REGIONS,
        );
        assert!(unnamed.reason.contains("empty name"), "{unnamed}");
        assert_eq!(error_of("[]", GOOD_REGIONS).reason, "no categories");
        let unknown_field = error_of(
            r#"[{"code":"A0001_B0199","name":"x","category":"y","extra":1}]"#,
            GOOD_REGIONS,
        );
        assert_eq!(unknown_field.file, "mcc.json");
    }

    #[test]
    fn bad_region_data_is_an_error_naming_the_code_and_the_rule() {
        let cases = [
            (r#"[{"code":"11000","name":"北京市"}]"#, "six ASCII digits"),
            (r#"[{"code":"110100","name":"北京市"}]"#, "ends in 0000"),
            (
                r#"[{"code":"110000","name":"北京市","children":[{"code":"120100","name":"x"}]}]"#,
                "under its province",
            ),
            (
                r#"[{"code":"110000","name":"北京市","children":[{"code":"110100","name":"x","children":[{"code":"120101","name":"y"}]}]}]"#,
                "province's two digits",
            ),
            (
                r#"[{"code":"110000","name":"北京市"},{"code":"110000","name":"again"}]"#,
                "appears once",
            ),
            (
                r#"[{"code":"110000","name":"北京市","children":[{"code":"110100","name":"x","children":[{"code":"110101","name":"y","children":[{"code":"110102","name":"z"}]}]}]}]"#,
                "has no children",
            ),
        ];
        for (regions, rule) in cases {
            let error = error_of(GOOD_MCC, regions);
            assert_eq!(error.file, "regions.json");
            assert!(error.reason.contains(rule), "{rule}: {error}");
        }
        assert_eq!(error_of(GOOD_MCC, "{}").file, "regions.json");
    }

    #[test]
    fn the_openapi_schema_of_the_options_names_every_field() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(FacetofaceOptions::schema()).unwrap();
        let properties = schema["properties"].as_object().unwrap();
        for field in ["version", "mcc", "regions", "statuses"] {
            assert!(properties.contains_key(field), "{field}");
        }
        let mut nested = Vec::new();
        <FacetofaceOptions as ToSchema>::schemas(&mut nested);
        let names: HashSet<String> = nested.into_iter().map(|(name, _)| name).collect();
        for name in ["MccOption", "RegionNode", "StatusLabel"] {
            assert!(names.contains(name), "{name} in {names:?}");
        }
        let node = serde_json::to_value(RegionNode::schema()).unwrap();
        assert!(node["properties"]["children"].is_object());
    }
}
