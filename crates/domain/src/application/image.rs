//! One uploaded image (API.md §2.2 "Image constraints"): which of Alipay's five image
//! parameters it fills, its format as the bytes say, and Alipay's size limits.

use std::fmt;

use bytes::Bytes;

use crate::validation::{FieldError, FieldErrorCode};

/// The five image parameters of `alipay.open.agent.facetoface.sign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImageKind {
    BusinessLicensePic,
    BusinessLicenseAuthPic,
    ShopScenePic,
    ShopSignBoardPic,
    SpecialLicensePic,
}

impl ImageKind {
    pub const ALL: [Self; 5] = [
        Self::BusinessLicensePic,
        Self::BusinessLicenseAuthPic,
        Self::ShopScenePic,
        Self::ShopSignBoardPic,
        Self::SpecialLicensePic,
    ];

    /// Alipay's multipart part name, also ours (apply form, image URLs, errors).
    pub fn field_name(self) -> &'static str {
        match self {
            Self::BusinessLicensePic => "business_license_pic",
            Self::BusinessLicenseAuthPic => "business_license_auth_pic",
            Self::ShopScenePic => "shop_scene_pic",
            Self::ShopSignBoardPic => "shop_sign_board_pic",
            Self::SpecialLicensePic => "special_license_pic",
        }
    }

    pub fn from_field_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.field_name() == name)
    }
}

impl fmt::Display for ImageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field_name())
    }
}

/// The formats Alipay takes (png, bmp, gif, jpg/jpeg), told apart by their magic bytes only:
/// file names and declared content types are the uploader's claims, the bytes are the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Png,
    Jpeg,
    Gif,
    Bmp,
}

impl ImageFormat {
    /// The format whose signature `bytes` start with, if any.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.starts_with(b"BM") {
            Some(Self::Bmp)
        } else {
            None
        }
    }

    /// The format whose [`extension`](Self::extension) is `extension`.
    pub fn from_extension(extension: &str) -> Option<Self> {
        [Self::Png, Self::Jpeg, Self::Gif, Self::Bmp]
            .into_iter()
            .find(|format| format.extension() == extension)
    }

    /// File extension for the upload to Alipay and for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Bmp => "bmp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Bmp => "image/bmp",
        }
    }
}

/// A checked image: its kind, detected format and bytes. `Debug` shows the size, not the bytes.
/// The bytes are shared ([`Bytes`]): cloning an image, handing it to the file store or to the
/// Alipay upload never copies its megabytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    kind: ImageKind,
    format: ImageFormat,
    bytes: Bytes,
}

impl Image {
    /// Alipay's "minimum 5 KB" may mean 5,000 or 5,120 bytes and its "maximum 5 MB" is
    /// 5,242,880 bytes in its tables but could be 5,000,000 (API.md §2.2, §8). We accept only
    /// sizes every reading accepts — 5,120 to 5,000,000 — so Alipay never refuses a size we took.
    pub const MIN_BYTES: usize = 5_120;
    pub const MAX_BYTES: usize = 5_000_000;

    /// # Errors
    /// Under the image's field name: `Required` when empty, `Length` outside
    /// 5,120..=5,000,000 bytes, `Format` when not a png, jpeg, gif or bmp.
    pub fn new(kind: ImageKind, bytes: impl Into<Bytes>) -> Result<Self, FieldError> {
        let bytes = bytes.into();
        let field = kind.field_name();
        let len = bytes.len();
        if len == 0 {
            return Err(FieldError::required(field));
        }
        if len < Self::MIN_BYTES {
            let reason = format!(
                "is {len} bytes; the minimum is {} bytes (5 KB)",
                Self::MIN_BYTES
            );
            return Err(FieldError::new(field, FieldErrorCode::Length, reason));
        }
        if len > Self::MAX_BYTES {
            let reason = format!(
                "is {len} bytes; the maximum is {} bytes (5 MB)",
                Self::MAX_BYTES
            );
            return Err(FieldError::new(field, FieldErrorCode::Length, reason));
        }
        let format = ImageFormat::detect(&bytes).ok_or_else(|| {
            FieldError::new(
                field,
                FieldErrorCode::Format,
                "must be a png, jpeg, gif or bmp image",
            )
        })?;
        Ok(Self {
            kind,
            format,
            bytes,
        })
    }

    pub fn kind(&self) -> ImageKind {
        self.kind
    }

    pub fn format(&self) -> ImageFormat {
        self.format
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, shared with this image (no copy).
    pub fn shared_bytes(&self) -> Bytes {
        self.bytes.clone()
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false: an image has at least [`Self::MIN_BYTES`]; here for API completeness.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// A file name for the upload: `shop_scene_pic.png`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.kind.field_name(), self.format.extension())
    }
}

/// What is known of a stored image without its bytes (detail pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageKind,
    pub format: ImageFormat,
    /// Bytes.
    pub size: usize,
}

impl From<&Image> for ImageInfo {
    fn from(image: &Image) -> Self {
        Self {
            kind: image.kind,
            format: image.format,
            size: image.len(),
        }
    }
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Image")
            .field("kind", &self.kind)
            .field("format", &self.format)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

    /// `len` bytes starting with `magic`.
    pub(crate) fn image_bytes(magic: &[u8], len: usize) -> Vec<u8> {
        let mut bytes = magic.to_vec();
        bytes.resize(len, 0x42);
        bytes
    }

    fn error_of(bytes: Vec<u8>) -> FieldError {
        Image::new(ImageKind::ShopScenePic, bytes).unwrap_err()
    }

    #[test]
    fn field_names_are_alipays_and_read_back() {
        let names: Vec<&str> = ImageKind::ALL.iter().map(|k| k.field_name()).collect();
        assert_eq!(
            names,
            [
                "business_license_pic",
                "business_license_auth_pic",
                "shop_scene_pic",
                "shop_sign_board_pic",
                "special_license_pic"
            ]
        );
        for kind in ImageKind::ALL {
            assert_eq!(ImageKind::from_field_name(kind.field_name()), Some(kind));
        }
        assert_eq!(ImageKind::from_field_name("shop_pic"), None);
    }

    #[test]
    fn each_magic_number_is_detected() {
        let cases: [(&[u8], ImageFormat, &str, &str); 5] = [
            (PNG, ImageFormat::Png, "png", "image/png"),
            (
                &[0xFF, 0xD8, 0xFF, 0xE0],
                ImageFormat::Jpeg,
                "jpg",
                "image/jpeg",
            ),
            (b"GIF87a", ImageFormat::Gif, "gif", "image/gif"),
            (b"GIF89a", ImageFormat::Gif, "gif", "image/gif"),
            (b"BM", ImageFormat::Bmp, "bmp", "image/bmp"),
        ];
        for (magic, format, extension, mime) in cases {
            let image = Image::new(ImageKind::ShopScenePic, image_bytes(magic, 6_000)).unwrap();
            assert_eq!(
                (
                    image.format(),
                    image.format().extension(),
                    image.format().mime()
                ),
                (format, extension, mime)
            );
        }
    }

    #[test]
    fn other_content_is_rejected_whatever_it_claims_to_be() {
        for magic in [
            &b"RIFF\0\0\0\0WEBP"[..],
            b"%PDF-1.7",
            b"\x89PNX",
            b"GIF88a",
            b"<svg",
            b"\xFF\xD8",
        ] {
            let error = error_of(image_bytes(magic, 6_000));
            assert_eq!(
                (error.field.as_str(), error.code),
                ("shop_scene_pic", FieldErrorCode::Format)
            );
        }
    }

    #[test]
    fn a_png_named_like_a_jpeg_is_a_png() {
        // The API hands over bytes only; whatever the upload was called ("photo.jpg",
        // image/jpeg), the stored format, extension and file name come from the bytes.
        let image = Image::new(ImageKind::ShopSignBoardPic, image_bytes(PNG, 8_000)).unwrap();
        assert_eq!(image.format(), ImageFormat::Png);
        assert_eq!(image.file_name(), "shop_sign_board_pic.png");
    }

    #[test]
    fn sizes_from_5120_to_5000000_bytes_are_accepted() {
        for len in [5_120, 5_000_000] {
            assert_eq!(
                Image::new(ImageKind::ShopScenePic, image_bytes(PNG, len))
                    .unwrap()
                    .len(),
                len
            );
        }
    }

    #[test]
    fn sizes_just_outside_the_limits_are_rejected_as_length() {
        for len in [5_119, 5_000_001] {
            let error = error_of(image_bytes(PNG, len));
            assert_eq!(
                (error.field.as_str(), error.code),
                ("shop_scene_pic", FieldErrorCode::Length),
                "{len}"
            );
        }
        assert_eq!(error_of(Vec::new()).code, FieldErrorCode::Required);
    }

    #[test]
    fn debug_shows_the_size_not_the_bytes() {
        let image = Image::new(ImageKind::ShopScenePic, image_bytes(PNG, 5_120)).unwrap();
        assert_eq!(
            format!("{image:?}"),
            "Image { kind: ShopScenePic, format: Png, len: 5120 }"
        );
    }
}
