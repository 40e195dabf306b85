//! The shop's logo as a thermal printer draws it: a PNG scaled down to the paper's dot width,
//! dithered (Floyd–Steinberg) to black and white, packed as a raster image (`GS v 0`).

use std::io::Cursor;

use crate::PrintError;

/// A 1-bit picture: `width_bytes * 8` dots across, `height` rows, a set bit prints black.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raster {
    pub width_bytes: usize,
    pub height: usize,
    pub bits: Vec<u8>,
}

/// The tallest logo printed, in dots (a square logo on 80 mm paper stays under 3 cm).
const MAX_HEIGHT: usize = 240;

/// Decodes `png` and makes it fit within `max_width` dots (and [`MAX_HEIGHT`]).
pub fn raster(png: &[u8], max_width: usize) -> Result<Raster, PrintError> {
    let (width, height, grey) = decode(png)?;
    // Shrink only; a small logo is not blown up into blurred blocks.
    let scale = f64::min(
        1.0,
        f64::min(
            max_width as f64 / width as f64,
            MAX_HEIGHT as f64 / height as f64,
        ),
    );
    let out_w = ((width as f64 * scale).round() as usize).clamp(1, max_width.max(1));
    let out_h = ((height as f64 * scale).round() as usize).clamp(1, MAX_HEIGHT);
    let mut level = shrink(&grey, width, height, out_w, out_h);

    let width_bytes = out_w.div_ceil(8);
    let mut bits = vec![0u8; width_bytes * out_h];
    for y in 0..out_h {
        for x in 0..out_w {
            let old = level[y * out_w + x];
            let black = old < 128.0;
            let new = if black { 0.0 } else { 255.0 };
            if black {
                bits[y * width_bytes + x / 8] |= 0x80 >> (x % 8);
            }
            let err = old - new;
            let mut spread = |dx: isize, dy: usize, weight: f32| {
                let nx = x as isize + dx;
                let ny = y + dy;
                if nx >= 0 && (nx as usize) < out_w && ny < out_h {
                    level[ny * out_w + nx as usize] += err * weight;
                }
            };
            spread(1, 0, 7.0 / 16.0);
            spread(-1, 1, 3.0 / 16.0);
            spread(0, 1, 5.0 / 16.0);
            spread(1, 1, 1.0 / 16.0);
        }
    }
    Ok(Raster {
        width_bytes,
        height: out_h,
        bits,
    })
}

/// The PNG as grey levels (0 black – 255 white), transparency as white paper.
fn decode(png: &[u8]) -> Result<(usize, usize, Vec<f32>), PrintError> {
    let bad = |e: png::DecodingError| PrintError::Logo {
        reason: format!("it is not a readable PNG image ({e})"),
    };
    let mut decoder = png::Decoder::new(Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| PrintError::Logo {
            reason: "the image is too large".into(),
        })?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    let (width, height) = (info.width as usize, info.height as usize);
    if width == 0 || height == 0 {
        return Err(PrintError::Logo {
            reason: "the image is empty".into(),
        });
    }
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(PrintError::Logo {
                reason: "its palette could not be expanded".into(),
            })
        }
    };
    let mut grey = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = &buf[y * info.line_size..][..width * channels];
        for px in row.chunks_exact(channels) {
            let (luma, alpha) = match channels {
                1 => (f32::from(px[0]), 255.0),
                2 => (f32::from(px[0]), f32::from(px[1])),
                3 => (luma(px), 255.0),
                _ => (luma(px), f32::from(px[3])),
            };
            let a = alpha / 255.0;
            grey.push(luma * a + 255.0 * (1.0 - a));
        }
    }
    Ok((width, height, grey))
}

fn luma(px: &[u8]) -> f32 {
    0.299 * f32::from(px[0]) + 0.587 * f32::from(px[1]) + 0.114 * f32::from(px[2])
}

/// Box-filter downscale (each output dot is the mean of the source pixels it covers).
fn shrink(src: &[f32], w: usize, h: usize, out_w: usize, out_h: usize) -> Vec<f32> {
    if w == out_w && h == out_h {
        return src.to_vec();
    }
    let mut out = Vec::with_capacity(out_w * out_h);
    for oy in 0..out_h {
        let y0 = oy * h / out_h;
        let y1 = ((oy + 1) * h / out_h).max(y0 + 1).min(h);
        for ox in 0..out_w {
            let x0 = ox * w / out_w;
            let x1 = ((ox + 1) * w / out_w).max(x0 + 1).min(w);
            let mut sum = 0.0;
            for y in y0..y1 {
                sum += src[y * w + x0..y * w + x1].iter().sum::<f32>();
            }
            out.push(sum / ((y1 - y0) * (x1 - x0)) as f32);
        }
    }
    out
}

/// `GS v 0`: print `raster` at normal size.
pub fn gs_v_0(raster: &Raster) -> Result<Vec<u8>, PrintError> {
    let too_big = || PrintError::Logo {
        reason: "the image is too large".into(),
    };
    let x = u16::try_from(raster.width_bytes).map_err(|_| too_big())?;
    let y = u16::try_from(raster.height).map_err(|_| too_big())?;
    let mut cmd = Vec::with_capacity(8 + raster.bits.len());
    cmd.extend_from_slice(&[0x1D, b'v', b'0', 0]);
    cmd.extend_from_slice(&x.to_le_bytes());
    cmd.extend_from_slice(&y.to_le_bytes());
    cmd.extend_from_slice(&raster.bits);
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `w`×`h` RGBA PNG, black on the left half, transparent on the right.
    pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().expect("header");
            let mut data = Vec::new();
            for _ in 0..h {
                for x in 0..w {
                    if x < w / 2 {
                        data.extend_from_slice(&[0, 0, 0, 255]);
                    } else {
                        data.extend_from_slice(&[0, 0, 0, 0]);
                    }
                }
            }
            writer.write_image_data(&data).expect("data");
        }
        out
    }

    #[test]
    fn a_wide_logo_is_scaled_to_the_paper_and_keeps_black_and_white() {
        let r = raster(&png(1000, 100), 384).expect("raster");
        assert_eq!(r.width_bytes, 48);
        assert_eq!(r.height, 38);
        // Left half black, right half (transparent) white.
        assert_eq!(r.bits[0], 0xFF);
        assert_eq!(r.bits[47], 0x00);
        let cmd = gs_v_0(&r).expect("cmd");
        assert_eq!(&cmd[..8], &[0x1D, b'v', b'0', 0, 48, 0, 38, 0]);
    }

    #[test]
    fn a_small_logo_is_not_blown_up_and_a_file_that_is_not_a_png_is_refused() {
        let r = raster(&png(20, 10), 576).expect("raster");
        assert_eq!((r.width_bytes, r.height), (3, 10));
        assert!(raster(b"not a png", 384).is_err());
    }
}
