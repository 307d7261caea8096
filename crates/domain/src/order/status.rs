//! Our order status, the submission step, and Alipay's raw `order_status` vocabulary.

use std::fmt;

/// Our status of an application (the seed's `order_status` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Local; the create → sign → confirm submission has not finished.
    Init,
    /// Confirmed at Alipay.
    Submitted,
    /// Alipay is reviewing it.
    MerchantAuditing,
    /// Approved; the merchant must open `confirm_url`.
    MerchantConfirm,
    /// The merchant confirmed: 当面付 is open. Terminal.
    Success,
    /// Rejected, timed out, cancelled or superseded. Terminal.
    Closed,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Init,
        OrderStatus::Submitted,
        OrderStatus::MerchantAuditing,
        OrderStatus::MerchantConfirm,
        OrderStatus::Success,
        OrderStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Init => "INIT",
            OrderStatus::Submitted => "SUBMITTED",
            OrderStatus::MerchantAuditing => "MERCHANT_AUDITING",
            OrderStatus::MerchantConfirm => "MERCHANT_CONFIRM",
            OrderStatus::Success => "SUCCESS",
            OrderStatus::Closed => "CLOSED",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn is_terminal(self) -> bool {
        match self {
            OrderStatus::Success | OrderStatus::Closed => true,
            OrderStatus::Init
            | OrderStatus::Submitted
            | OrderStatus::MerchantAuditing
            | OrderStatus::MerchantConfirm => false,
        }
    }

    /// Progress rank: Alipay may skip states between polls, so a move to a higher rank is
    /// applied directly and a move to a lower one is only recorded. Both terminal states
    /// share the top rank.
    pub fn rank(self) -> u8 {
        match self {
            OrderStatus::Init => 0,
            OrderStatus::Submitted => 1,
            OrderStatus::MerchantAuditing => 2,
            OrderStatus::MerchantConfirm => 3,
            OrderStatus::Success | OrderStatus::Closed => 4,
        }
    }

    /// Whether the status is one the worker keeps polling (given the polling window is open).
    pub fn is_polled(self) -> bool {
        match self {
            OrderStatus::Submitted
            | OrderStatus::MerchantAuditing
            | OrderStatus::MerchantConfirm => true,
            OrderStatus::Init | OrderStatus::Success | OrderStatus::Closed => false,
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far the create → sign → confirm submission got (persisted after every step).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SubmitStep {
    None,
    BatchCreated,
    Signed,
    /// Written *before* confirm is called: the outcome of confirm is unknown until Alipay
    /// answers or a later order.query settles it.
    ConfirmSent,
    Confirmed,
}

impl SubmitStep {
    pub const ALL: [SubmitStep; 5] = [
        SubmitStep::None,
        SubmitStep::BatchCreated,
        SubmitStep::Signed,
        SubmitStep::ConfirmSent,
        SubmitStep::Confirmed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmitStep::None => "none",
            SubmitStep::BatchCreated => "batch_created",
            SubmitStep::Signed => "signed",
            SubmitStep::ConfirmSent => "confirm_sent",
            SubmitStep::Confirmed => "confirmed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

impl fmt::Display for SubmitStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Alipay's application status as order.query reports it; unknown values are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AlipayOrderStatus {
    MerchantInfoHold,
    MerchantAuditing,
    MerchantConfirm,
    MerchantConfirmSuccess,
    MerchantConfirmTimeOut,
    MerchantApplyOrderCanceled,
    Other(String),
}

impl AlipayOrderStatus {
    pub fn parse(raw: &str) -> Self {
        match raw {
            "MERCHANT_INFO_HOLD" => Self::MerchantInfoHold,
            "MERCHANT_AUDITING" => Self::MerchantAuditing,
            "MERCHANT_CONFIRM" => Self::MerchantConfirm,
            "MERCHANT_CONFIRM_SUCCESS" => Self::MerchantConfirmSuccess,
            "MERCHANT_CONFIRM_TIME_OUT" => Self::MerchantConfirmTimeOut,
            "MERCHANT_APPLY_ORDER_CANCELED" => Self::MerchantApplyOrderCanceled,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::MerchantInfoHold => "MERCHANT_INFO_HOLD",
            Self::MerchantAuditing => "MERCHANT_AUDITING",
            Self::MerchantConfirm => "MERCHANT_CONFIRM",
            Self::MerchantConfirmSuccess => "MERCHANT_CONFIRM_SUCCESS",
            Self::MerchantConfirmTimeOut => "MERCHANT_CONFIRM_TIME_OUT",
            Self::MerchantApplyOrderCanceled => "MERCHANT_APPLY_ORDER_CANCELED",
            Self::Other(raw) => raw,
        }
    }

    /// DESIGN §2's mapping table. `None`: our status does not change (hold keeps SUBMITTED
    /// and flags `needs_correction`; unknown values are only recorded).
    pub fn target(&self) -> Option<(OrderStatus, Option<CloseReason>)> {
        match self {
            Self::MerchantInfoHold | Self::Other(_) => None,
            Self::MerchantAuditing => Some((OrderStatus::MerchantAuditing, None)),
            Self::MerchantConfirm => Some((OrderStatus::MerchantConfirm, None)),
            Self::MerchantConfirmSuccess => Some((OrderStatus::Success, None)),
            Self::MerchantConfirmTimeOut => {
                Some((OrderStatus::Closed, Some(CloseReason::MerchantTimeout)))
            }
            Self::MerchantApplyOrderCanceled => {
                Some((OrderStatus::Closed, Some(CloseReason::Rejected)))
            }
        }
    }
}

impl fmt::Display for AlipayOrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an order is CLOSED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// Alipay rejected it, or the merchant refused (`MERCHANT_APPLY_ORDER_CANCELED`).
    Rejected,
    /// The merchant did not confirm within 15 days (`MERCHANT_CONFIRM_TIME_OUT`).
    MerchantTimeout,
    /// An operator cancelled it before it was submitted.
    Cancelled,
    /// A re-application replaced it.
    Superseded,
}

impl CloseReason {
    pub const ALL: [CloseReason; 4] = [
        CloseReason::Rejected,
        CloseReason::MerchantTimeout,
        CloseReason::Cancelled,
        CloseReason::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::Rejected => "rejected",
            CloseReason::MerchantTimeout => "merchant_timeout",
            CloseReason::Cancelled => "cancelled",
            CloseReason::Superseded => "superseded",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Why the worker stopped polling an order (recorded, never silent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollingStopReason {
    /// The order reached a terminal state.
    Terminal,
    /// Still MERCHANT_CONFIRM after the confirm window (default 16 days).
    ConfirmWindowElapsed,
    /// Still open after the overall limit since confirm (default 30 days).
    MaxPollingElapsed,
}

impl PollingStopReason {
    pub const ALL: [PollingStopReason; 3] = [
        PollingStopReason::Terminal,
        PollingStopReason::ConfirmWindowElapsed,
        PollingStopReason::MaxPollingElapsed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PollingStopReason::Terminal => "terminal",
            PollingStopReason::ConfirmWindowElapsed => "confirm_window_elapsed",
            PollingStopReason::MaxPollingElapsed => "max_polling_elapsed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}
