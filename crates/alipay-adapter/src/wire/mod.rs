//! Wire DTOs: Alipay's field names, private to the crate. The domain never sees these; the
//! gateway maps them with `From`/`TryFrom` (gateway.rs).

mod request;
mod response;

pub(crate) use request::{
    BatchBizContent, ContactInfo, CreateBizContent, FacetofaceSignFields, ImageFile,
    ShopAddressWire,
};
pub(crate) use response::{
    ConfirmResponse, CreateResponse, EmptyResponse, OrderQueryResponse, ProductAgentStatusInfo,
    RestrictInfo,
};
