//! `AlipayAgentGateway`: the domain's `AgentGateway` port over [`AlipayClient`]. A thin
//! mapping: domain values → wire DTOs on the way out, verified wire DTOs → domain results on
//! the way back, `AlipayCallError` → `GatewayError`.

use std::sync::Arc;

use async_trait::async_trait;
use xjz_domain::application::{ApplicationDetails, ApplicationImages, Image, ShopAddress};
use xjz_domain::order::AlipayOrderStatus;
use xjz_domain::ports::gateway::{
    AppAuthToken, BatchCreated, Confirmed, OrderQueried, ProductStatus, RestrictInfo,
};
use xjz_domain::ports::{AgentGateway, Clock, GatewayError};

use crate::client::AlipayClient;
use crate::config::AlipayClientConfig;
use crate::error::{AlipayCallError, ClientBuildError};
use crate::observer::CallObserver;
use crate::wire::{
    self, ConfirmResponse, ContactInfo, CreateBizContent, CreateResponse, FacetofaceSignFields,
    ImageFile, OrderQueryResponse, ShopAddressWire,
};

/// The Alipay implementation of [`AgentGateway`] (API.md §2).
#[derive(Debug)]
pub struct AlipayAgentGateway {
    client: AlipayClient,
}

impl AlipayAgentGateway {
    /// Builds the gateway; `clock` supplies the request timestamps.
    ///
    /// # Errors
    /// [`ClientBuildError`] for a bad gateway URL, an empty app id or a TLS setup failure.
    pub fn new(
        config: AlipayClientConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ClientBuildError> {
        Ok(Self {
            client: AlipayClient::new(config, clock)?,
        })
    }

    /// Tells `observer` about every call (for metrics).
    #[must_use]
    pub fn with_observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.client.set_observer(observer);
        self
    }
}

impl<'a> From<&'a ApplicationDetails> for CreateBizContent<'a> {
    fn from(details: &'a ApplicationDetails) -> Self {
        Self {
            account: details.account().as_str(),
            contact_info: ContactInfo {
                contact_email: details.contact_email().map(|e| e.as_str()),
                contact_mobile: details.contact_mobile().as_str(),
                contact_name: details.contact_name().as_str(),
            },
        }
    }
}

impl<'a> From<&'a ShopAddress> for ShopAddressWire<'a> {
    fn from(address: &'a ShopAddress) -> Self {
        Self {
            city_code: address.city_code(),
            country_code: address.country_code(),
            detail_address: address.detail_address(),
            district_code: address.district_code(),
            latitude: address.latitude(),
            longitude: address.longitude(),
            province_code: address.province_code(),
        }
    }
}

fn sign_fields<'a>(
    batch_no: &'a str,
    details: &'a ApplicationDetails,
) -> Result<FacetofaceSignFields<'a>, AlipayCallError> {
    let shop_address_json = details
        .shop_address()
        .map(|address| serde_json::to_string(&ShopAddressWire::from(address)))
        .transpose()
        .map_err(|e| AlipayCallError::Request(e.to_string()))?;
    let validity = details.licence_validity();
    Ok(FacetofaceSignFields {
        batch_no,
        mcc_code: details.mcc_code().as_str(),
        rate: details.rate().map(|rate| rate.as_str()),
        sign_and_auth: details.sign_and_auth(),
        shop_name: details.shop_name().map(|name| name.as_str()),
        shop_address_json,
        business_license_no: details.business_license_no().map(|no| no.as_str()),
        business_license_mobile: details.business_license_mobile().map(|m| m.as_str()),
        date_limitation: validity.and_then(|v| v.date_limitation()),
        long_term: validity.is_some_and(|v| v.long_term()),
    })
}

impl From<&Image> for ImageFile {
    fn from(image: &Image) -> Self {
        Self {
            field: image.kind().field_name(),
            file_name: image.file_name(),
            mime: image.format().mime(),
            // Shared, not copied: the request body streams the image's own bytes.
            bytes: image.shared_bytes(),
        }
    }
}

impl From<CreateResponse> for BatchCreated {
    fn from(answer: CreateResponse) -> Self {
        Self {
            batch_no: answer.batch_no,
            batch_status: answer.batch_status,
        }
    }
}

impl From<ConfirmResponse> for Confirmed {
    fn from(answer: ConfirmResponse) -> Self {
        Self {
            order_no: answer.order_no.filter(|s| !s.is_empty()),
            app_auth_token: answer
                .app_auth_token
                .filter(|s| !s.is_empty())
                .map(AppAuthToken::new),
            user_id: answer.user_id.filter(|s| !s.is_empty()),
        }
    }
}

impl From<wire::RestrictInfo> for RestrictInfo {
    fn from(info: wire::RestrictInfo) -> Self {
        Self {
            restrict_product: info.restrict_product,
            restrict_reason: info.restrict_reason,
            restrict_reason_code: info.restrict_reason_code,
        }
    }
}

impl From<wire::ProductAgentStatusInfo> for ProductStatus {
    fn from(info: wire::ProductAgentStatusInfo) -> Self {
        Self {
            product_code: info.product_code,
            product_name: info.product_name,
            status: info.status,
            reject_reason: info.reject_reason,
        }
    }
}

impl TryFrom<OrderQueryResponse> for OrderQueried {
    type Error = AlipayCallError;

    fn try_from(answer: OrderQueryResponse) -> Result<Self, Self::Error> {
        if answer.order_status.is_empty() {
            return Err(AlipayCallError::Malformed(
                "order.query answered without an order_status".to_owned(),
            ));
        }
        Ok(Self {
            order_status: AlipayOrderStatus::parse(&answer.order_status),
            order_no: answer.order_no,
            merchant_pid: answer.merchant_pid,
            confirm_url: answer.confirm_url,
            reject_reason: answer.reject_reason,
            restrict_infos: answer.restrict_infos.into_iter().map(Into::into).collect(),
            product_statuses: answer
                .product_agent_status_infos
                .into_iter()
                .map(Into::into)
                .collect(),
        })
    }
}

#[async_trait]
impl AgentGateway for AlipayAgentGateway {
    async fn create(&self, details: &ApplicationDetails) -> Result<BatchCreated, GatewayError> {
        let answer = self.client.create(&CreateBizContent::from(details)).await?;
        Ok(answer.into())
    }

    async fn facetoface_sign(
        &self,
        batch_no: &str,
        details: &ApplicationDetails,
        images: &ApplicationImages,
    ) -> Result<(), GatewayError> {
        let fields = sign_fields(batch_no, details)?;
        let files = images.iter().map(ImageFile::from).collect();
        self.client.facetoface_sign(&fields, files).await?;
        Ok(())
    }

    async fn confirm(&self, batch_no: &str) -> Result<Confirmed, GatewayError> {
        Ok(self.client.confirm(batch_no).await?.into())
    }

    async fn query_order(&self, batch_no: &str) -> Result<OrderQueried, GatewayError> {
        let answer = self.client.query_order(batch_no).await?;
        Ok(OrderQueried::try_from(answer)?)
    }

    async fn cancel(&self, batch_no: &str) -> Result<(), GatewayError> {
        self.client.cancel(batch_no).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use xjz_domain::application::{ApplicationForm, ShopAddressForm};

    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    fn details(extra: ApplicationForm) -> ApplicationDetails {
        let base = ApplicationForm {
            account: s("2088000000000001"),
            contact_name: s("李四"),
            contact_mobile: s("13912345678"),
            mcc_code: s("A0001_B0199"),
            ..ApplicationForm::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        ApplicationDetails::parse(&base.overlay(extra), today).unwrap()
    }

    #[test]
    fn a_minimal_application_sends_only_batch_and_category() {
        let d = details(ApplicationForm::default());
        let fields = sign_fields("B1", &d).unwrap();
        assert_eq!(
            fields.text_params(),
            [("batch_no", "B1"), ("mcc_code", "A0001_B0199")]
        );
        let create = serde_json::to_string(&CreateBizContent::from(&d)).unwrap();
        assert_eq!(
            create,
            r#"{"account":"2088000000000001","contact_info":{"contact_mobile":"13912345678","contact_name":"李四"}}"#
        );
    }

    #[test]
    fn a_full_application_maps_every_text_field() {
        let d = details(ApplicationForm {
            rate: s("0.6"),
            sign_and_auth: s("true"),
            business_license_no: s("91350100M000100Y43"),
            business_license_mobile: s("13800138000"),
            long_term: s("false"),
            date_limitation: s("2030-12-31"),
            shop_name: s("西湖小馆"),
            shop_address: Some(ShopAddressForm {
                province_code: s("330000"),
                city_code: s("330100"),
                district_code: s("330106"),
                detail_address: s("文三路 90 号"),
                longitude: s("120.1"),
                latitude: s("30.2"),
                ..ShopAddressForm::default()
            }),
            ..ApplicationForm::default()
        });
        let fields = sign_fields("B1", &d).unwrap();
        assert_eq!(
            fields.text_params(),
            [
                ("batch_no", "B1"),
                ("mcc_code", "A0001_B0199"),
                ("rate", "0.60"),
                ("sign_and_auth", "true"),
                ("shop_name", "西湖小馆"),
                (
                    "shop_address",
                    r#"{"city_code":"330100","country_code":"156","detail_address":"文三路 90 号","district_code":"330106","latitude":"30.2","longitude":"120.1","province_code":"330000"}"#
                ),
                ("business_license_no", "91350100M000100Y43"),
                ("business_license_mobile", "13800138000"),
                ("date_limitation", "2030-12-31"),
            ]
        );
    }

    #[test]
    fn a_long_term_licence_sends_long_term_and_no_date() {
        let d = details(ApplicationForm {
            business_license_no: s("91350100M000100Y43"),
            long_term: s("true"),
            ..ApplicationForm::default()
        });
        let fields = sign_fields("B1", &d).unwrap();
        let params = fields.text_params();
        assert!(params.contains(&("long_term", "true")));
        assert!(!params.iter().any(|(k, _)| *k == "date_limitation"));
    }

    #[test]
    fn empty_optional_answers_become_none_and_tokens_stay_secret() {
        let confirmed = Confirmed::from(ConfirmResponse {
            order_no: Some(String::new()),
            app_auth_token: Some("SECRET-TOKEN-9".to_owned()),
            ..ConfirmResponse::default()
        });
        assert_eq!(confirmed.order_no, None);
        assert!(!format!("{confirmed:?}").contains("SECRET-TOKEN-9"));
        let json = serde_json::to_string(&ConfirmResponse {
            app_auth_token: Some("SECRET-TOKEN-9".to_owned()),
            ..ConfirmResponse::default()
        })
        .unwrap();
        assert!(
            json.contains(r#""app_auth_token_present":true"#) && !json.contains("SECRET-TOKEN-9")
        );
    }

    #[test]
    fn an_order_query_without_status_is_malformed() {
        let answer: OrderQueryResponse =
            serde_json::from_str(r#"{"code":"10000","msg":"Success","order_status":""}"#).unwrap();
        assert!(matches!(
            OrderQueried::try_from(answer),
            Err(AlipayCallError::Malformed(_))
        ));
        let answer: OrderQueryResponse = serde_json::from_str(
            r#"{"order_status":"SOMETHING_NEW","restrict_infos":[{"restrict_product":"FACE_TO_FACE_PAYMENT","restrict_reason":"资料不全"}]}"#,
        )
        .unwrap();
        let queried = OrderQueried::try_from(answer).unwrap();
        assert_eq!(
            queried.order_status,
            AlipayOrderStatus::Other("SOMETHING_NEW".to_owned())
        );
        assert_eq!(
            queried.restrict_infos[0].restrict_reason.as_deref(),
            Some("资料不全")
        );
    }
}
