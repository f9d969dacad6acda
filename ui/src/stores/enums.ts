import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { useBackend, type EnumItem, type SysEnums } from '@/backend'
import { DEFAULT_LOCALE, i18n } from '@/i18n'

/** System enumerations, loaded once per session (and again after an edit). */
export const useEnumsStore = defineStore('enums', () => {
  const enums = ref<SysEnums | null>(null)
  let pending: Promise<SysEnums> | null = null

  async function load(force = false): Promise<SysEnums> {
    if (enums.value && !force) return enums.value
    if (!pending) {
      pending = useBackend()
        .sysEnums()
        .then((e) => (enums.value = e))
        .finally(() => (pending = null))
    }
    return pending
  }

  function reset(): void {
    enums.value = null
  }

  const list = (k: keyof SysEnums) => computed<EnumItem[]>(() => enums.value?.[k] ?? [])
  const regions = list('cinemaRegionList')
  const countries = list('movieCountryList')
  const categories = list('movieCategoryList')
  const roles = list('userRoleList')
  const movieTypes = list('movieTypeList')

  const byId = (items: { value: EnumItem[] }) => computed(() => new Map(items.value.map((r) => [r.id, r.name])))
  const regionNames = byId(regions)
  const countryNames = byId(countries)
  const categoryNames = byId(categories)
  const roleNames = byId(roles)
  const typeNames = byId(movieTypes)

  /** The name of an id, or the id itself when the enumeration does not know it. */
  const regionName = (id: string) => regionNames.value.get(id) ?? id
  const countryName = (id: string) => countryNames.value.get(id) ?? id
  const categoryName = (id: string) => categoryNames.value.get(id) ?? id
  /**
   * A role's name. The enumeration's name is data a SYS_ADMIN may rename, and it is Chinese; in
   * another language the built-in roles take the UI's own translation.
   */
  const roleName = (id: string) => {
    const key = `roles.${id}`
    if (i18n.global.locale.value !== DEFAULT_LOCALE && i18n.global.te(key)) return i18n.global.t(key)
    return roleNames.value.get(id) ?? id
  }
  const typeName = (id: string) => typeNames.value.get(id) ?? id

  return {
    enums,
    regions,
    countries,
    categories,
    roles,
    movieTypes,
    load,
    reset,
    regionName,
    countryName,
    categoryName,
    roleName,
    typeName,
  }
})
