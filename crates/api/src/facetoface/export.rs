//! The facetoface export (`GET /api/v1/payment/facetoface/export?format=csv|xlsx`, DESIGN §4):
//! the filtered list as a CSV or XLSX download, masked like the list, with memory bounded by
//! one page of orders whatever the number of rows.
//!
//! The handler parses `format` with [`ExportFormat::parse`], then calls [`export_response`]
//! with a `fetch_page(page_no)` closure that runs the list query (same filters, its own
//! page size) and returns one page of orders; an empty page ends the export.
//!
//! - **CSV** is streamed: page 1 is fetched before answering, so a failure there answers the
//!   normal error envelope; every later page is fetched only when the client has taken the
//!   bytes of the previous one. UTF-8 with a byte-order mark (Excel then reads the Chinese
//!   labels), CRLF line ends, and cells starting with `=`, `+`, `-`, `@`, tab or CR are
//!   prefixed with `'` so a spreadsheet never runs them as formulas.
//! - **XLSX** is written row by row by `rust_xlsxwriter` in constant-memory mode (each row
//!   goes to a temp file as it is written; strings are inline, no shared-string table),
//!   on a blocking thread fed one page at a time, then saved into an unnamed temp file that
//!   is streamed back in 64 KiB chunks. The file exists only as an open handle (the OS
//!   removes it when the response body is dropped, even after a crash). Because the whole
//!   file is built before the answer starts, an error on any page still answers the error
//!   envelope. Cells are written as text, never as formulas.
//!
//! **Errors after the CSV answer has started** cannot change its status (the 200 and the
//! headers are gone): the error is logged with the page number and the body ends with an
//! error, so actix drops the connection without the final chunk and the client sees an
//! incomplete download instead of a silently short file.

use std::borrow::Cow;
use std::future::Future;
use std::io::{Seek as _, Write as _};
use std::path::PathBuf;

use actix_web::HttpResponse;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
    HeaderValue,
};
use actix_web::web::Bytes;
use anyhow::Context as _;
use futures::stream::{self, Stream};
use rust_xlsxwriter::{Format, Workbook};
use tokio::io::AsyncReadExt as _;
use tokio::sync::mpsc;
use xjz_domain::FacetofaceOrder;
use xjz_domain::validation::{FieldError, FieldErrorCode};

use crate::http::error::ApiError;
use crate::oplog::format_time;

/// The query parameter that chooses the format.
pub const FORMAT_FIELD: &str = "format";

/// Number of columns of an export.
pub const COLUMNS: usize = 17;

/// The header row: Chinese labels, in column order (see [`ExportRow::cells`]).
pub const HEADER: [&str; COLUMNS] = [
    "ID",
    "创建时间",
    "状态",
    "商户名称",
    "商户账号",
    "联系人",
    "联系人手机",
    "经营类目",
    "费率",
    "门店名称",
    "营业执照号",
    "批次号",
    "申请单号",
    "支付宝状态",
    "需要修改",
    "驳回原因",
    "更新时间",
];

/// The most data rows an XLSX sheet holds (1,048,576 rows less the header).
pub const XLSX_MAX_ROWS: u32 = 1_048_575;

/// Size of the chunks the XLSX file is streamed back in.
const FILE_CHUNK: usize = 64 * 1024;

/// UTF-8 byte-order mark: Excel reads a CSV as UTF-8 only when it starts with one.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The two download formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values, UTF-8 with BOM, streamed.
    Csv,
    /// Office Open XML workbook, one sheet.
    Xlsx,
}

impl ExportFormat {
    /// Reads the `format` query parameter: `csv` or `xlsx` (any case, surrounding blanks
    /// ignored).
    ///
    /// # Errors
    /// A [`FieldError`] on `format` when the value is blank or neither.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(FieldError::new(
                FORMAT_FIELD,
                FieldErrorCode::Required,
                "is required: csv or xlsx",
            ));
        }
        if value.eq_ignore_ascii_case("csv") {
            Ok(Self::Csv)
        } else if value.eq_ignore_ascii_case("xlsx") {
            Ok(Self::Xlsx)
        } else {
            Err(FieldError::new(
                FORMAT_FIELD,
                FieldErrorCode::Format,
                "must be csv or xlsx",
            ))
        }
    }

    /// The `Content-Type` of the download.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// One order as an export row: every cell as text, mobiles and the licence number masked,
/// the account masked when it is a mobile. Times are China time, `YYYY-MM-DD HH:mm:ss`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub id: i64,
    pub created_time: String,
    /// Our status code (`INIT`, `SUBMITTED`, …), machine-friendly.
    pub status: &'static str,
    pub merchant_name: String,
    /// Masked when the account is a mobile.
    pub account: String,
    pub contact_name: String,
    /// Always masked: `138****5678`.
    pub contact_mobile: String,
    pub mcc_code: String,
    pub rate: String,
    pub shop_name: String,
    /// Masked: first and last four characters.
    pub business_license_no: String,
    pub batch_no: String,
    pub order_no: String,
    /// Alipay's raw `order_status`, as last seen.
    pub alipay_order_status: String,
    /// `true` or `false`.
    pub needs_correction: &'static str,
    pub reject_reason: String,
    pub updated_time: String,
}

impl ExportRow {
    /// The row of `order`, masked.
    pub fn from_order(order: &FacetofaceOrder) -> Self {
        let state = order.state();
        let details = &state.details;
        let alipay = &state.alipay;
        let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
        Self {
            id: state.id.0,
            created_time: format_time(state.audit.created_time),
            status: state.status.as_str(),
            merchant_name: text(details.merchant_name().map(|n| n.as_str())),
            account: details.account().masked(),
            contact_name: details.contact_name().as_str().to_owned(),
            contact_mobile: details.contact_mobile().masked(),
            mcc_code: details.mcc_code().as_str().to_owned(),
            rate: text(details.rate().map(|r| r.as_str())),
            shop_name: text(details.shop_name().map(|n| n.as_str())),
            business_license_no: details
                .business_license_no()
                .map(|no| no.masked())
                .unwrap_or_default(),
            batch_no: text(alipay.batch_no.as_deref()),
            order_no: text(alipay.order_no.as_deref()),
            alipay_order_status: text(alipay.alipay_order_status.as_deref()),
            needs_correction: if alipay.needs_correction {
                "true"
            } else {
                "false"
            },
            reject_reason: text(alipay.reject_reason.as_deref()),
            updated_time: format_time(state.audit.updated_time),
        }
    }

    /// The cells in [`HEADER`] order (the id as decimal text).
    pub fn cells(&self) -> [Cow<'_, str>; COLUMNS] {
        [
            Cow::Owned(self.id.to_string()),
            Cow::Borrowed(&self.created_time),
            Cow::Borrowed(self.status),
            Cow::Borrowed(&self.merchant_name),
            Cow::Borrowed(&self.account),
            Cow::Borrowed(&self.contact_name),
            Cow::Borrowed(&self.contact_mobile),
            Cow::Borrowed(&self.mcc_code),
            Cow::Borrowed(&self.rate),
            Cow::Borrowed(&self.shop_name),
            Cow::Borrowed(&self.business_license_no),
            Cow::Borrowed(&self.batch_no),
            Cow::Borrowed(&self.order_no),
            Cow::Borrowed(&self.alipay_order_status),
            Cow::Borrowed(self.needs_correction),
            Cow::Borrowed(&self.reject_reason),
            Cow::Borrowed(&self.updated_time),
        ]
    }
}

/// A CSV cell safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or CR (which
/// Excel and LibreOffice would treat as a formula) gets a `'` in front.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Answers the export of the orders `fetch_page` returns, page after page (`page_no` from 1)
/// until an empty page, as a `format` download named `<file_stem>.<extension>`.
///
/// Page 1 is always fetched before anything is answered; see the module docs for when a
/// later failure still answers the error envelope (XLSX: always) and when it cannot (CSV,
/// once streaming).
///
/// # Errors
/// The error of `fetch_page` for page 1 (both formats) or any page (XLSX); for XLSX also a
/// 10422 on `format` past [`XLSX_MAX_ROWS`] rows, and 10500 when the temp file cannot be
/// written.
pub async fn export_response<F, Fut>(
    format: ExportFormat,
    file_stem: &str,
    fetch_page: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnMut(u64) -> Fut + 'static,
    Fut: Future<Output = Result<Vec<FacetofaceOrder>, ApiError>> + 'static,
{
    export_response_in(format, file_stem, fetch_page, None).await
}

/// [`export_response`] with the XLSX temp files in `temp_dir` (default: the system's).
async fn export_response_in<F, Fut>(
    format: ExportFormat,
    file_stem: &str,
    mut fetch_page: F,
    temp_dir: Option<PathBuf>,
) -> Result<HttpResponse, ApiError>
where
    F: FnMut(u64) -> Fut + 'static,
    Fut: Future<Output = Result<Vec<FacetofaceOrder>, ApiError>> + 'static,
{
    let first = fetch_page(1).await?;
    let disposition = content_disposition(file_stem, format);
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    match format {
        ExportFormat::Csv => Ok(response.streaming(csv_stream(first, fetch_page))),
        ExportFormat::Xlsx => {
            let file = build_xlsx(first, fetch_page, temp_dir).await?;
            let len = file
                .metadata()
                .context("reading the size of the export file")?
                .len();
            let file = tokio::fs::File::from_std(file);
            Ok(response.no_chunking(len).streaming(file_stream(file)))
        }
    }
}

/// `attachment; filename="<stem>.<ext>"`, plus `filename*=UTF-8''…` when the stem is not
/// plain ASCII (the plain name then has `_` for every other character).
fn content_disposition(file_stem: &str, format: ExportFormat) -> ContentDisposition {
    let name = format!("{file_stem}.{}", format.extension());
    let plain: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '/')) || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut parameters = vec![DispositionParam::Filename(plain.clone())];
    if plain != name {
        parameters.push(DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".to_owned()),
            language_tag: None,
            value: name.replace(['/', '\\'], "_").into_bytes(),
        }));
    }
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters,
    }
}

/// Encodes `orders` as CSV lines (the header first when `header`).
fn csv_chunk(orders: &[FacetofaceOrder], header: bool) -> Result<Bytes, anyhow::Error> {
    let mut buffer = Vec::with_capacity(256 * (orders.len() + 1));
    if header {
        buffer.extend_from_slice(UTF8_BOM);
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(buffer);
    if header {
        writer.write_record(HEADER)?;
    }
    for order in orders {
        let row = ExportRow::from_order(order);
        let cells = row.cells();
        let safe = cells.each_ref().map(|cell| neutralise_formula(cell));
        writer.write_record(safe.iter().map(|cell| cell.as_bytes()))?;
    }
    writer.flush()?;
    let buffer = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("finishing a CSV chunk: {}", e.error()))?;
    Ok(Bytes::from(buffer))
}

/// Where the CSV stream is.
enum CsvState<F> {
    /// Page 1, fetched before answering, not yet encoded.
    First(Vec<FacetofaceOrder>, F),
    /// Fetch page `.0` next.
    Next(u64, F),
    Done,
}

/// The CSV body: BOM + header + page 1, then one chunk per page until an empty page.
fn csv_stream<F, Fut>(
    first: Vec<FacetofaceOrder>,
    fetch_page: F,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + 'static
where
    F: FnMut(u64) -> Fut + 'static,
    Fut: Future<Output = Result<Vec<FacetofaceOrder>, ApiError>> + 'static,
{
    stream::unfold(CsvState::First(first, fetch_page), |state| async move {
        let (page_no, orders, fetch_page) = match state {
            CsvState::Done => return None,
            CsvState::First(orders, fetch_page) => (1, orders, fetch_page),
            CsvState::Next(page_no, mut fetch_page) => match fetch_page(page_no).await {
                Ok(orders) if orders.is_empty() => return None,
                Ok(orders) => (page_no, orders, fetch_page),
                Err(error) => {
                    tracing::error!(page_no, error = ?error, "export: fetching a page failed after the CSV answer started; the download is cut short");
                    return Some((Err(aborted(page_no)), CsvState::Done));
                }
            },
        };
        let next = if orders.is_empty() {
            // Page 1 was empty: the header alone.
            CsvState::Done
        } else {
            CsvState::Next(page_no + 1, fetch_page)
        };
        match csv_chunk(&orders, page_no == 1) {
            Ok(bytes) => Some((Ok(bytes), next)),
            Err(error) => {
                tracing::error!(page_no, error = ?error, "export: encoding a CSV page failed; the download is cut short");
                Some((Err(aborted(page_no)), CsvState::Done))
            }
        }
    })
}

fn aborted(page_no: u64) -> std::io::Error {
    std::io::Error::other(format!("export aborted at page {page_no}"))
}

/// What the async side sends the XLSX writer thread.
enum XlsxMessage {
    Rows(Vec<ExportRow>),
    /// Every page was sent: save the workbook. A channel closed without it means abort.
    Finish,
}

/// Why the XLSX writer stopped.
#[derive(Debug, thiserror::Error)]
enum XlsxBuildError {
    #[error("more than {XLSX_MAX_ROWS} rows")]
    TooManyRows,
    #[error("the export was abandoned")]
    Abandoned,
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<XlsxBuildError> for ApiError {
    fn from(error: XlsxBuildError) -> Self {
        match error {
            XlsxBuildError::TooManyRows => ApiError::Validation(
                FieldError::new(
                    FORMAT_FIELD,
                    FieldErrorCode::Range,
                    format!(
                        "xlsx holds at most {XLSX_MAX_ROWS} rows: narrow the filter or use csv"
                    ),
                )
                .into(),
            ),
            other => {
                ApiError::Unexpected(anyhow::Error::new(other).context("writing the XLSX export"))
            }
        }
    }
}

/// Writes every page into an XLSX file on a blocking thread (one page in flight at a time)
/// and returns the saved file, rewound, for streaming.
async fn build_xlsx<F, Fut>(
    first: Vec<FacetofaceOrder>,
    mut fetch_page: F,
    temp_dir: Option<PathBuf>,
) -> Result<std::fs::File, ApiError>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<Vec<FacetofaceOrder>, ApiError>>,
{
    let (sender, receiver) = mpsc::channel(1);
    let writer = tokio::task::spawn_blocking(move || write_xlsx(receiver, temp_dir));
    let mut page = first;
    let mut page_no = 1;
    loop {
        // A failed send means the writer stopped (too many rows, disk error): its result
        // below says why.
        if page.is_empty() {
            let _stopped = sender.send(XlsxMessage::Finish).await;
            break;
        }
        let rows = page.iter().map(ExportRow::from_order).collect();
        if sender.send(XlsxMessage::Rows(rows)).await.is_err() {
            break;
        }
        page_no += 1;
        page = match fetch_page(page_no).await {
            Ok(page) => page,
            Err(error) => {
                drop(sender);
                // The writer sees the channel close without `Finish` and stops.
                let _abandoned = writer.await;
                return Err(error);
            }
        };
    }
    let file = writer
        .await
        .context("the XLSX writer thread failed")?
        .map_err(ApiError::from)?;
    Ok(file)
}

/// The blocking side: a constant-memory worksheet, header in bold, one row per order.
fn write_xlsx(
    mut receiver: mpsc::Receiver<XlsxMessage>,
    temp_dir: Option<PathBuf>,
) -> Result<std::fs::File, XlsxBuildError> {
    let mut workbook = Workbook::new();
    if let Some(dir) = &temp_dir {
        workbook.set_tempdir(dir)?;
    }
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("当面付")?;
    for (col, width) in (0u16..).zip(COLUMN_WIDTHS) {
        sheet.set_column_width(col, width)?;
    }
    for (col, label) in (0u16..).zip(HEADER) {
        sheet.write_string_with_format(0, col, label, &bold)?;
    }
    let mut row: u32 = 0;
    loop {
        match receiver.blocking_recv() {
            Some(XlsxMessage::Rows(rows)) => {
                for export_row in rows {
                    if row >= XLSX_MAX_ROWS {
                        return Err(XlsxBuildError::TooManyRows);
                    }
                    row += 1;
                    // Ids stay far below 2^53, so the number is exact.
                    sheet.write_number(row, 0, export_row.id as f64)?;
                    for (col, cell) in (0u16..).zip(export_row.cells()).skip(1) {
                        if !cell.is_empty() {
                            sheet.write_string(row, col, cell.as_ref())?;
                        }
                    }
                }
            }
            Some(XlsxMessage::Finish) => break,
            None => return Err(XlsxBuildError::Abandoned),
        }
    }
    let mut file = match &temp_dir {
        Some(dir) => tempfile::tempfile_in(dir)?,
        None => tempfile::tempfile()?,
    };
    workbook.save_to_writer(&mut file)?;
    file.flush()?;
    file.rewind()?;
    Ok(file)
}

/// Column widths in characters, in [`HEADER`] order.
const COLUMN_WIDTHS: [f64; COLUMNS] = [
    8.0, 20.0, 18.0, 28.0, 26.0, 10.0, 14.0, 14.0, 6.0, 20.0, 22.0, 24.0, 24.0, 20.0, 8.0, 30.0,
    20.0,
];

/// The file's bytes in [`FILE_CHUNK`] pieces; a read error ends the body with that error.
fn file_stream(
    file: tokio::fs::File,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + 'static {
    stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0; FILE_CHUNK];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok(Bytes::from(buffer)), Some(file)))
            }
            Err(error) => {
                tracing::error!(error = %error, "export: reading the XLSX file back failed; the download is cut short");
                Some((Err(error), None))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::io::Cursor;
    use std::rc::Rc;

    use actix_web::ResponseError as _;
    use actix_web::body::MessageBody;
    use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
    use chrono::{NaiveDate, TimeZone as _, Utc};
    use xjz_domain::application::{Application, ApplicationForm, ImageKind};
    use xjz_domain::fixtures::{png, valid_form};
    use xjz_domain::order::NewOrder;
    use xjz_domain::{Actor, OrderId, Stamp, TenantId};

    use super::*;

    const CONTACT_MOBILE: &str = "13800138000";
    const ACCOUNT_MOBILE: &str = "13912345678";
    const LICENCE_NO: &str = "91350100M000100Y43";

    fn order_from(id: i64, form: ApplicationForm) -> FacetofaceOrder {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let (details, _images) = Application::parse(form, today).unwrap().into_parts();
        // 2026-01-02 03:04:05 UTC = 11:04:05 in China.
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        NewOrder::new(TenantId(1), details, Stamp::new(Actor::System, now)).into_order(OrderId(id))
    }

    /// Three orders: the fixture; one with a mobile account and a licence; one submitted
    /// and held by Alipay.
    fn three_orders() -> Vec<FacetofaceOrder> {
        let first = order_from(1, valid_form());
        let mut form = valid_form();
        form.account = Some(ACCOUNT_MOBILE.into());
        form.business_license_no = Some(LICENCE_NO.into());
        form.long_term = Some("true".into());
        form.images
            .push((ImageKind::BusinessLicensePic, png(8_000)));
        let second = order_from(2, form);
        let mut state = order_from(3, valid_form()).state().clone();
        state.status = xjz_domain::OrderStatus::MerchantAuditing;
        state.alipay.batch_no = Some("2026010200502000000012345".into());
        state.alipay.order_no = Some("20260102000000000000000001".into());
        state.alipay.alipay_order_status = Some("MERCHANT_INFO_HOLD".into());
        state.alipay.needs_correction = true;
        state.alipay.reject_reason = Some("门店照片不清晰".into());
        let third = FacetofaceOrder::restore(state);
        vec![first, second, third]
    }

    type Page = std::future::Ready<Result<Vec<FacetofaceOrder>, ApiError>>;
    type Asked = Rc<RefCell<Vec<u64>>>;

    /// A `fetch_page` over `pages` (page 1 first; past the end, empty), recording the page
    /// numbers asked for.
    fn pager(pages: Vec<Vec<FacetofaceOrder>>) -> (impl FnMut(u64) -> Page + 'static, Asked) {
        let asked = Rc::new(RefCell::new(Vec::new()));
        let log = asked.clone();
        let fetch = move |page_no: u64| {
            log.borrow_mut().push(page_no);
            let index = usize::try_from(page_no - 1).unwrap();
            std::future::ready(Ok(pages.get(index).cloned().unwrap_or_default()))
        };
        (fetch, asked)
    }

    /// A `fetch_page` that answers `pages` and then fails on the page after them.
    fn failing_after(pages: Vec<Vec<FacetofaceOrder>>) -> impl FnMut(u64) -> Page + 'static {
        move |page_no: u64| {
            let index = usize::try_from(page_no - 1).unwrap();
            std::future::ready(match pages.get(index) {
                Some(page) => Ok(page.clone()),
                None => Err(ApiError::NotFound("tenant vanished".to_owned())),
            })
        }
    }

    async fn body_bytes(response: HttpResponse) -> Bytes {
        actix_web::body::to_bytes(response.into_body())
            .await
            .map_err(|e| e.to_string())
            .unwrap()
    }

    fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
        let text = bytes.strip_prefix(UTF8_BOM).expect("starts with the BOM");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
        let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
        assert_eq!(workbook.sheet_names(), vec!["当面付".to_owned()]);
        let range = workbook.worksheet_range("当面付").unwrap();
        range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    fn assert_masked(rows: &[Vec<String>], raw: &[u8]) {
        let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
        assert_eq!(rows[0], header);
        assert_eq!(rows.len(), 4, "header and three rows");
        let col = |name: &str| HEADER.iter().position(|h| *h == name).unwrap();
        for row in &rows[1..] {
            assert_eq!(row.len(), COLUMNS);
            assert_eq!(row[col("联系人手机")], "138****8000");
            assert_eq!(row[col("创建时间")], "2026-01-02 11:04:05");
            assert_eq!(row[col("更新时间")], "2026-01-02 11:04:05");
            assert_eq!(row[col("费率")], "0.38");
            assert_eq!(row[col("经营类目")], "A0001_B0199");
        }
        assert_eq!(rows[1][col("ID")], "1");
        assert_eq!(rows[1][col("状态")], "INIT");
        assert_eq!(rows[1][col("商户账号")], "merchant01@example.com");
        assert_eq!(rows[1][col("营业执照号")], "");
        assert_eq!(rows[1][col("需要修改")], "false");
        assert_eq!(rows[2][col("商户账号")], "139****5678");
        assert_eq!(rows[2][col("营业执照号")], "9135**********0Y43");
        assert_eq!(rows[3][col("状态")], "MERCHANT_AUDITING");
        assert_eq!(rows[3][col("批次号")], "2026010200502000000012345");
        assert_eq!(rows[3][col("申请单号")], "20260102000000000000000001");
        assert_eq!(rows[3][col("支付宝状态")], "MERCHANT_INFO_HOLD");
        assert_eq!(rows[3][col("需要修改")], "true");
        assert_eq!(rows[3][col("驳回原因")], "门店照片不清晰");
        assert_eq!(rows[3][col("商户名称")], "杭州示例商贸有限公司");
        assert_eq!(rows[3][col("门店名称")], "示例便利店");
        for secret in [CONTACT_MOBILE, ACCOUNT_MOBILE, LICENCE_NO] {
            assert!(
                !rows.iter().flatten().any(|cell| cell.contains(secret)),
                "{secret} appears unmasked"
            );
            assert!(
                !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} appears in the raw output"
            );
        }
    }

    fn header_str(response: &HttpResponse, name: header::HeaderName) -> String {
        response
            .headers()
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn format_parses_csv_and_xlsx_and_refuses_others() {
        assert_eq!(ExportFormat::parse("csv").unwrap(), ExportFormat::Csv);
        assert_eq!(ExportFormat::parse(" XLSX ").unwrap(), ExportFormat::Xlsx);
        for bad in ["xls", "pdf", "csv;", "json"] {
            let error = ExportFormat::parse(bad).unwrap_err();
            assert_eq!(error.field, "format");
            assert_eq!(error.code, FieldErrorCode::Format);
        }
        let error = ExportFormat::parse("  ").unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("format", FieldErrorCode::Required)
        );
        assert_eq!(ExportFormat::Csv.extension(), "csv");
        assert_eq!(ExportFormat::Xlsx.extension(), "xlsx");
        assert_eq!(ExportFormat::Csv.content_type(), "text/csv; charset=utf-8");
        assert!(
            ExportFormat::Xlsx
                .content_type()
                .contains("spreadsheetml.sheet")
        );
    }

    #[test]
    fn rows_mask_mobiles_licence_and_a_mobile_account() {
        let orders = three_orders();
        let row = ExportRow::from_order(&orders[1]);
        assert_eq!(row.contact_mobile, "138****8000");
        assert_eq!(row.account, "139****5678");
        assert_eq!(row.business_license_no, "9135**********0Y43");
        assert_eq!(row.cells().len(), HEADER.len());
        assert!(!format!("{row:?}").contains(LICENCE_NO));
    }

    #[test]
    fn formula_cells_get_a_quote() {
        for (cell, safe) in [
            ("=1+1", "'=1+1"),
            ("+86 138", "'+86 138"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("a=1", "a=1"),
            ("张三", "张三"),
            ("", ""),
        ] {
            assert_eq!(neutralise_formula(cell), safe, "{cell:?}");
        }
    }

    #[test]
    fn content_disposition_names_the_file_with_a_utf8_fallback() {
        let ascii = content_disposition("facetoface-20260102110405", ExportFormat::Csv);
        assert_eq!(
            ascii.to_string(),
            r#"attachment; filename="facetoface-20260102110405.csv""#
        );
        let chinese = content_disposition("当面付-2026", ExportFormat::Xlsx).to_string();
        assert!(chinese.contains(r#"filename="___-2026.xlsx""#), "{chinese}");
        assert!(
            chinese.contains("filename*=UTF-8''%E5%BD%93%E9%9D%A2%E4%BB%98%2D2026.xlsx"),
            "{chinese}"
        );
        let sneaky = content_disposition("a\"b/../c", ExportFormat::Csv).to_string();
        assert!(sneaky.contains(r#"filename="a_b_.._c.csv""#), "{sneaky}");
    }

    #[actix_web::test]
    async fn csv_export_has_bom_header_and_three_masked_rows() {
        let (fetch, asked) = pager(vec![three_orders()]);
        let response = export_response(ExportFormat::Csv, "facetoface-1", fetch)
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            header_str(&response, header::CONTENT_TYPE),
            "text/csv; charset=utf-8"
        );
        assert_eq!(
            header_str(&response, header::CONTENT_DISPOSITION),
            r#"attachment; filename="facetoface-1.csv""#
        );
        let bytes = body_bytes(response).await;
        assert!(bytes.starts_with(UTF8_BOM));
        assert!(bytes.ends_with(b"\r\n"));
        assert_masked(&csv_records(&bytes), &bytes);
        assert_eq!(*asked.borrow(), vec![1, 2]);
    }

    #[actix_web::test]
    async fn csv_export_neutralises_formula_injection() {
        let mut state = order_from(7, valid_form()).state().clone();
        state.alipay.reject_reason = Some("=HYPERLINK(\"http://evil\",\"x\")".into());
        state.alipay.order_no = Some("+1".into());
        state.alipay.batch_no = Some("@cmd".into());
        let (fetch, _) = pager(vec![vec![FacetofaceOrder::restore(state)]]);
        let response = export_response(ExportFormat::Csv, "x", fetch)
            .await
            .unwrap();
        let records = csv_records(&body_bytes(response).await);
        let row = &records[1];
        assert_eq!(row[15], "'=HYPERLINK(\"http://evil\",\"x\")");
        assert_eq!(row[12], "'+1");
        assert_eq!(row[11], "'@cmd");
        assert!(
            records
                .iter()
                .flatten()
                .all(|cell| !cell.starts_with(['=', '+', '-', '@']))
        );
    }

    #[actix_web::test]
    async fn xlsx_export_is_a_workbook_with_three_masked_rows() {
        let (fetch, asked) = pager(vec![three_orders()]);
        let response = export_response(ExportFormat::Xlsx, "facetoface-1", fetch)
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            header_str(&response, header::CONTENT_TYPE),
            ExportFormat::Xlsx.content_type()
        );
        assert_eq!(
            header_str(&response, header::CONTENT_DISPOSITION),
            r#"attachment; filename="facetoface-1.xlsx""#
        );
        let declared: usize = header_str(&response, header::CONTENT_LENGTH)
            .parse()
            .unwrap();
        let bytes = body_bytes(response).await;
        assert_eq!(bytes.len(), declared);
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip");
        assert_masked(&sheet_rows(&bytes), &bytes);
        assert_eq!(*asked.borrow(), vec![1, 2]);
    }

    #[actix_web::test]
    async fn both_formats_pull_pages_until_an_empty_one() {
        let orders = three_orders();
        let pages = vec![
            vec![orders[0].clone(), orders[1].clone()],
            vec![orders[2].clone()],
            vec![orders[0].clone()],
        ];
        let (fetch, asked) = pager(pages.clone());
        let response = export_response(ExportFormat::Csv, "x", fetch)
            .await
            .unwrap();
        // Streaming: only page 1 is fetched before the body is read.
        assert_eq!(*asked.borrow(), vec![1]);
        let records = csv_records(&body_bytes(response).await);
        assert_eq!(*asked.borrow(), vec![1, 2, 3, 4]);
        let ids: Vec<&str> = records[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(ids, ["1", "2", "3", "1"]);

        let (fetch, asked) = pager(pages);
        let response = export_response(ExportFormat::Xlsx, "x", fetch)
            .await
            .unwrap();
        assert_eq!(*asked.borrow(), vec![1, 2, 3, 4]);
        let rows = sheet_rows(&body_bytes(response).await);
        let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(ids, ["1", "2", "3", "1"]);
    }

    #[actix_web::test]
    async fn an_empty_export_is_the_header_alone() {
        for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
            let (fetch, asked) = pager(Vec::new());
            let response = export_response(format, "x", fetch).await.unwrap();
            let bytes = body_bytes(response).await;
            let rows = match format {
                ExportFormat::Csv => csv_records(&bytes),
                ExportFormat::Xlsx => sheet_rows(&bytes),
            };
            assert_eq!(rows, vec![HEADER.map(str::to_owned).to_vec()], "{format:?}");
            assert_eq!(*asked.borrow(), vec![1], "{format:?}");
        }
    }

    #[actix_web::test]
    async fn a_first_page_error_answers_the_error_not_200() {
        for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
            let error = export_response(format, "x", failing_after(Vec::new()))
                .await
                .unwrap_err();
            assert_eq!(error.code(), 10404, "{format:?}");
            let response = error.error_response();
            assert_eq!(response.status(), 404);
            assert!(
                response
                    .headers()
                    .get(header::CONTENT_DISPOSITION)
                    .is_none()
            );
        }
    }

    #[actix_web::test]
    async fn xlsx_error_on_a_later_page_still_answers_the_error() {
        let fetch = failing_after(vec![three_orders(), three_orders()]);
        let error = export_response(ExportFormat::Xlsx, "x", fetch)
            .await
            .unwrap_err();
        assert_eq!(error.code(), 10404);
    }

    #[actix_web::test]
    async fn csv_error_after_streaming_started_cuts_the_body_short() {
        let fetch = failing_after(vec![three_orders()]);
        let response = export_response(ExportFormat::Csv, "x", fetch)
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "the status was decided by page 1");
        let mut body = std::pin::pin!(response.into_body());
        let first = std::future::poll_fn(|cx| body.as_mut().poll_next(cx))
            .await
            .unwrap()
            .map_err(|e| e.to_string())
            .unwrap();
        assert_eq!(csv_records(&first).len(), 4);
        let second = std::future::poll_fn(|cx| body.as_mut().poll_next(cx))
            .await
            .unwrap();
        let error = second.map(|_| ()).unwrap_err().to_string();
        assert!(error.contains("export aborted at page 2"), "{error}");
        assert!(
            std::future::poll_fn(|cx| body.as_mut().poll_next(cx))
                .await
                .is_none()
        );
    }

    #[actix_web::test]
    async fn xlsx_leaves_no_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let (fetch, _) = pager(vec![three_orders(), three_orders()]);
        let response = export_response_in(
            ExportFormat::Xlsx,
            "x",
            fetch,
            Some(dir.path().to_path_buf()),
        )
        .await
        .unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let rows = sheet_rows(&body_bytes(response).await);
        assert_eq!(rows.len(), 7);
        // An abandoned export leaves nothing either.
        let fetch = failing_after(vec![three_orders()]);
        let result = export_response_in(
            ExportFormat::Xlsx,
            "x",
            fetch,
            Some(dir.path().to_path_buf()),
        )
        .await;
        assert!(result.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// Peak RSS (`VmHWM`, KiB) of this process so far.
    fn peak_rss_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// Exports 100,000 synthetic rows (200 pages of 500) and reports the peak RSS before and
    /// after. Run alone: `cargo nextest run -p xjz-api export_memory --run-ignored only
    /// --no-capture` (nextest gives each test its own process, so the figure is this
    /// export's).
    async fn measure(format: ExportFormat) {
        const PAGES: u64 = 200;
        const PAGE: i64 = 500;
        let template = three_orders().remove(2);
        let before = peak_rss_kib();
        let fetch = move |page_no: u64| {
            let page = if page_no > PAGES {
                Vec::new()
            } else {
                let first = i64::try_from(page_no - 1).unwrap() * PAGE;
                (first..first + PAGE)
                    .map(|n| {
                        let mut state = template.state().clone();
                        state.id = OrderId(n + 1);
                        FacetofaceOrder::restore(state)
                    })
                    .collect()
            };
            std::future::ready(Ok::<_, ApiError>(page))
        };
        let started = std::time::Instant::now();
        let response = export_response(format, "x", fetch).await.unwrap();
        let mut body = std::pin::pin!(response.into_body());
        let mut total = 0usize;
        while let Some(chunk) = std::future::poll_fn(|cx| body.as_mut().poll_next(cx)).await {
            total += chunk.map_err(|e| e.to_string()).unwrap().len();
        }
        let after = peak_rss_kib();
        eprintln!(
            "{format:?}: 100000 rows, {total} bytes in {:.1} s; peak RSS {before} KiB before, {after} KiB after (+{} KiB)",
            started.elapsed().as_secs_f64(),
            after - before
        );
        assert!(total > 1_000_000);
    }

    #[actix_web::test]
    #[ignore = "measurement: 100,000 rows"]
    async fn export_memory_csv_100k() {
        measure(ExportFormat::Csv).await;
    }

    #[actix_web::test]
    #[ignore = "measurement: 100,000 rows"]
    async fn export_memory_xlsx_100k() {
        measure(ExportFormat::Xlsx).await;
    }
}
