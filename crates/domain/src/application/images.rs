//! The images of one application: at most one per [`ImageKind`], kept with the order so a
//! failed submission can be resumed and a re-apply can reuse what was not replaced.

use std::collections::BTreeMap;

use super::image::{Image, ImageKind};
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationImages(BTreeMap<ImageKind, Image>);

impl ApplicationImages {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks every upload and reports every bad one: size, format, or a kind given twice.
    ///
    /// # Errors
    /// The errors of [`Image::new`] per upload, and `Conflict` on the field for each repeat.
    pub fn parse(uploads: Vec<(ImageKind, Vec<u8>)>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut images = Self::new();
        let mut seen = Vec::with_capacity(uploads.len());
        for (kind, bytes) in uploads {
            if seen.contains(&kind) {
                errors.push(FieldError::new(
                    kind.field_name(),
                    FieldErrorCode::Conflict,
                    "was given more than once",
                ));
                continue;
            }
            seen.push(kind);
            if let Some(image) = errors.check(Image::new(kind, bytes)) {
                images.0.insert(kind, image);
            }
        }
        errors.into_result(|| images)
    }

    /// Adds an image of a kind not held yet.
    ///
    /// # Errors
    /// `Conflict` on the image's field when that kind is already present (use
    /// [`replace`](Self::replace) to swap it).
    pub fn insert(&mut self, image: Image) -> Result<(), FieldError> {
        let kind = image.kind();
        if self.0.contains_key(&kind) {
            return Err(FieldError::new(
                kind.field_name(),
                FieldErrorCode::Conflict,
                "was given more than once",
            ));
        }
        self.0.insert(kind, image);
        Ok(())
    }

    /// Puts `image` in its kind's place, giving back the one it replaces (edits).
    pub fn replace(&mut self, image: Image) -> Option<Image> {
        self.0.insert(image.kind(), image)
    }

    pub fn remove(&mut self, kind: ImageKind) -> Option<Image> {
        self.0.remove(&kind)
    }

    pub fn get(&self, kind: ImageKind) -> Option<&Image> {
        self.0.get(&kind)
    }

    pub fn contains(&self, kind: ImageKind) -> bool {
        self.0.contains_key(&kind)
    }

    /// The images in [`ImageKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = &Image> {
        self.0.values()
    }

    pub fn kinds(&self) -> impl Iterator<Item = ImageKind> + '_ {
        self.0.keys().copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Re-apply: copies from `other` (the original order) every kind this set lacks, so
    /// images not uploaded again are kept and the new uploads win.
    pub fn merge_missing_from(&mut self, other: &ApplicationImages) {
        for image in other.iter() {
            self.0.entry(image.kind()).or_insert_with(|| image.clone());
        }
    }
}

impl<'a> IntoIterator for &'a ApplicationImages {
    type Item = &'a Image;
    type IntoIter = std::collections::btree_map::Values<'a, ImageKind, Image>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.values()
    }
}

impl IntoIterator for ApplicationImages {
    type Item = Image;
    type IntoIter = std::collections::btree_map::IntoValues<ImageKind, Image>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_values()
    }
}

#[cfg(test)]
mod tests {
    use super::super::image::tests::{PNG, image_bytes};
    use super::*;

    const GIF: &[u8] = b"GIF89a";

    fn image(kind: ImageKind, magic: &[u8]) -> Image {
        Image::new(kind, image_bytes(magic, 6_000)).unwrap()
    }

    #[test]
    fn one_image_per_kind_is_kept_and_listed_in_kind_order() {
        let uploads = vec![
            (ImageKind::ShopSignBoardPic, image_bytes(PNG, 6_000)),
            (ImageKind::BusinessLicensePic, image_bytes(GIF, 7_000)),
        ];
        let images = ApplicationImages::parse(uploads).unwrap();
        let kinds: Vec<ImageKind> = images.kinds().collect();
        assert_eq!(
            kinds,
            [ImageKind::BusinessLicensePic, ImageKind::ShopSignBoardPic]
        );
        assert_eq!(
            images.get(ImageKind::BusinessLicensePic).map(Image::len),
            Some(7_000)
        );
        assert!(!images.contains(ImageKind::ShopScenePic));
        assert_eq!((&images).into_iter().count(), 2);
    }

    #[test]
    fn a_kind_given_twice_is_a_conflict_on_that_field() {
        let uploads = vec![
            (ImageKind::ShopScenePic, image_bytes(PNG, 6_000)),
            (ImageKind::ShopScenePic, image_bytes(PNG, 6_000)),
        ];
        let errors = ApplicationImages::parse(uploads).unwrap_err();
        let found: Vec<(&str, FieldErrorCode)> = errors
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(found, [("shop_scene_pic", FieldErrorCode::Conflict)]);
    }

    #[test]
    fn every_bad_upload_is_reported() {
        let uploads = vec![
            (ImageKind::ShopScenePic, image_bytes(PNG, 100)),
            (ImageKind::ShopSignBoardPic, image_bytes(b"%PDF", 6_000)),
            (ImageKind::SpecialLicensePic, image_bytes(PNG, 6_000)),
        ];
        let errors = ApplicationImages::parse(uploads).unwrap_err();
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["shop_scene_pic", "shop_sign_board_pic"]
        );
    }

    #[test]
    fn insert_refuses_a_second_image_of_a_kind_and_replace_swaps_it() {
        let mut images = ApplicationImages::new();
        images.insert(image(ImageKind::ShopScenePic, PNG)).unwrap();
        let error = images
            .insert(image(ImageKind::ShopScenePic, GIF))
            .unwrap_err();
        assert_eq!(error.code, FieldErrorCode::Conflict);
        let old = images.replace(image(ImageKind::ShopScenePic, GIF)).unwrap();
        assert_eq!(old.format(), super::super::image::ImageFormat::Png);
        assert_eq!(images.len(), 1);
        assert!(images.remove(ImageKind::ShopScenePic).is_some());
        assert!(images.is_empty());
    }

    #[test]
    fn merging_keeps_new_uploads_and_copies_only_missing_kinds() {
        let mut original = ApplicationImages::new();
        original
            .insert(image(ImageKind::ShopScenePic, PNG))
            .unwrap();
        original
            .insert(image(ImageKind::BusinessLicensePic, PNG))
            .unwrap();
        let mut reapplied = ApplicationImages::new();
        reapplied
            .insert(image(ImageKind::ShopScenePic, GIF))
            .unwrap();

        reapplied.merge_missing_from(&original);

        assert_eq!(reapplied.len(), 2);
        assert_eq!(
            reapplied.get(ImageKind::ShopScenePic).map(Image::format),
            Some(super::super::image::ImageFormat::Gif)
        );
        assert_eq!(
            reapplied.get(ImageKind::BusinessLicensePic),
            original.get(ImageKind::BusinessLicensePic)
        );
    }
}
