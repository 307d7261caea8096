//! The module's part of the OpenAPI document: its paths (annotated on the handlers), the
//! multipart bodies and the tag.

use utoipa::{OpenApi, ToSchema};

/// The OpenAPI tag of the module (DESIGN §4).
pub const TAG: &str = "当面付开通";

/// The multipart body of apply and re-apply (documentation type; [`super::multipart`] reads
/// the parts). Text parts are named like Alipay's parameters; examples are fake data.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation type
pub struct ApplyForm {
    /// The merchant's Alipay login: e-mail, mainland mobile or a 2088… PID.
    #[schema(example = "merchant@example.com")]
    pub account: String,
    #[schema(example = "张三")]
    pub contact_name: String,
    #[schema(example = "13800138000")]
    pub contact_mobile: String,
    #[schema(example = "contact@example.com")]
    pub contact_email: Option<String>,
    #[schema(example = "示例商户")]
    pub merchant_name: Option<String>,
    /// 商家经营类目, e.g. `A0001_B0199` (see `/options`).
    #[schema(example = "A0002_B0201")]
    pub mcc_code: String,
    /// Percent, 0.38–0.60 (required when `sign_and_auth` is true).
    #[schema(example = "0.38")]
    pub rate: Option<String>,
    /// `true` or `false`.
    #[schema(example = "false")]
    pub sign_and_auth: Option<String>,
    #[schema(example = "91350100M000100Y43")]
    pub business_license_no: Option<String>,
    #[schema(example = "13900139000")]
    pub business_license_mobile: Option<String>,
    /// `true` or `false`.
    #[schema(example = "true")]
    pub long_term: Option<String>,
    /// `YYYY-MM-DD`, when not long-term.
    pub date_limitation: Option<String>,
    #[schema(example = "示例小店")]
    pub shop_name: Option<String>,
    /// A JSON object: country_code, province_code, city_code, district_code,
    /// detail_address, longitude, latitude.
    #[schema(
        example = r#"{"country_code":"156","province_code":"330000","city_code":"330100","district_code":"330106","detail_address":"文三路 1 号"}"#
    )]
    pub shop_address: Option<String>,
    pub remark: Option<String>,
    /// JPEG, PNG, GIF or BMP (told by the bytes, not the declared type), 5 KB–5 MB each.
    #[schema(value_type = Option<String>, format = Binary)]
    pub business_license_pic: Option<Vec<u8>>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub business_license_auth_pic: Option<Vec<u8>>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub shop_scene_pic: Option<Vec<u8>>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub shop_sign_board_pic: Option<Vec<u8>>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub special_license_pic: Option<Vec<u8>>,
}

/// The multipart body of PATCH: any part of [`ApplyForm`] (given fields replace the stored
/// ones, a blank text clears an optional field, given images replace those of their kind),
/// plus `version`, the optimistic lock.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation type
pub struct EditForm {
    /// The order's `version` as last read; a stale one answers 10409.
    #[schema(example = "3")]
    pub version: Option<String>,
    pub contact_name: Option<String>,
    pub contact_mobile: Option<String>,
    pub mcc_code: Option<String>,
    pub rate: Option<String>,
    pub shop_name: Option<String>,
    pub shop_address: Option<String>,
    pub remark: Option<String>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub shop_scene_pic: Option<Vec<u8>>,
}

/// The image fields of an order (documentation type for `/{id}/images/{field}`; another
/// name answers 404).
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // documentation type
pub enum ImageField {
    BusinessLicensePic,
    BusinessLicenseAuthPic,
    ShopScenePic,
    ShopSignBoardPic,
    SpecialLicensePic,
}

/// The file format of the export (documentation type; [`super::export::ExportFormat`]
/// parses it; another value answers 10422).
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // documentation type
pub enum ExportFileFormat {
    Csv,
    Xlsx,
}

#[derive(OpenApi)]
#[openapi(
    paths(
        super::handlers::list,
        super::handlers::options,
        super::handlers::export,
        super::handlers::apply,
        super::handlers::detail,
        super::handlers::edit,
        super::handlers::image,
        super::handlers::events,
        super::handlers::refresh,
        super::handlers::resume,
        super::handlers::cancel,
        super::handlers::reapply,
    ),
    components(schemas(
        super::dto::OrderData,
        super::dto::EventData,
        super::dto::LastErrorData,
        super::dto::ImageData,
        ApplyForm,
        EditForm,
        ImageField,
        ExportFileFormat,
    )),
    tags((name = "当面付开通", description = "opening Alipay 当面付 for merchants"))
)]
struct FacetofaceApi;

/// The module's paths and schemas.
pub fn document() -> utoipa::openapi::OpenApi {
    FacetofaceApi::openapi()
}
